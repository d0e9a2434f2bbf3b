// The front-end libraries, from their WebJars, in one place: the pages import them from here.
// Their versions are those of the root pom (lit-html.version, uplot.version). An import map
// would say the same, but it is an inline script, which the Content-Security-Policy forbids.
export { html, render, nothing } from "/webjars/lit-html/3.3.2/lit-html.js";
export { ref } from "/webjars/lit-html/3.3.2/directives/ref.js";
export { repeat } from "/webjars/lit-html/3.3.2/directives/repeat.js";
export { default as uPlot } from "/webjars/uplot/1.6.30/dist/uPlot.esm.js";
