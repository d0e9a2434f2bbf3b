// Routes live in the address's hash: "#/jobs/42?state=discarded". Filters are part of the
// route, so a view can be bookmarked and shared, and the back button works.

/** "#/jobs/42?state=discarded" -> {path: "jobs", id: "42", query: URLSearchParams}. */
export function parseRoute(hash = location.hash) {
  const raw = hash.replace(/^#\/?/, "");
  const [pathPart, queryPart = ""] = raw.split("?");
  const [path = "", id] = pathPart.split("/");
  return { path: path || "overview", id, query: new URLSearchParams(queryPart) };
}

export function navigate(path, params) {
  const q = params ? new URLSearchParams(params).toString() : "";
  location.hash = `#/${path}${q ? "?" + q : ""}`;
}
