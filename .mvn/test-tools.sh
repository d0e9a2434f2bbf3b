# Sourced by ./gantry and .ci/run: Chromium and ChromeDriver for the browser tests, found where the
# tests look (CHROME_BIN and CHROMEDRIVER, else /usr/bin) and installed from Debian's packages.
chromium_found() {
  local browser="${CHROME_BIN:-}" driver="${CHROMEDRIVER:-}" c
  if [ -z "$browser" ]; then
    for c in /usr/bin/chromium /usr/bin/chromium-browser; do [ -x "$c" ] && { browser="$c"; break; }; done
  fi
  [ -n "$driver" ] || driver=/usr/bin/chromedriver
  [ -n "$browser" ] && [ -f "$browser" ] && [ -x "$browser" ] && [ -f "$driver" ] && [ -x "$driver" ]
}

# Installs chromium and chromium-driver with apt-get, as root or through sudo without a password;
# returns non-zero when it cannot (no apt-get, no rights, or the install failed).
install_chromium() {
  local sudo=()
  command -v apt-get >/dev/null 2>&1 || return 1
  if [ "$(id -u)" -ne 0 ]; then
    sudo -n true 2>/dev/null || return 1
    sudo=(sudo -n)
  fi
  echo "${0##*/}: installing chromium and chromium-driver for the browser tests (apt-get) ..." >&2
  local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq -o Dpkg::Use-Pty=0)
  # The package lists may be missing or old on a fresh machine: update only when the install fails.
  "${apt[@]}" install chromium chromium-driver >/dev/null 2>&1 \
    || { "${apt[@]}" update >/dev/null && "${apt[@]}" install chromium chromium-driver >/dev/null; }
}
