# Sourced by ./gantry and .ci/run: the programs some tests start, found where the tests look and
# installed from Debian's packages. Chromium and ChromeDriver for the dashboard's browser tests
# (CHROME_BIN and CHROMEDRIVER, else /usr/bin); PgBouncer for the hundred-worker test (PATH, then
# /usr/sbin).
chromium_found() {
  local browser="${CHROME_BIN:-}" driver="${CHROMEDRIVER:-}" c
  if [ -z "$browser" ]; then
    for c in /usr/bin/chromium /usr/bin/chromium-browser; do [ -x "$c" ] && { browser="$c"; break; }; done
  fi
  [ -n "$driver" ] || driver=/usr/bin/chromedriver
  [ -n "$browser" ] && [ -f "$browser" ] && [ -x "$browser" ] && [ -f "$driver" ] && [ -x "$driver" ]
}

pgbouncer_found() {
  command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ]
}

install_chromium() { apt_install chromium chromium-driver; }

# Only the program is needed: the tests start their own PgBouncer on a free port. Debian's package
# may also start its service on 127.0.0.1:6432, which no test uses.
install_pgbouncer() { apt_install pgbouncer; }

# Installs Debian packages with apt-get, as root or through sudo without a password; returns
# non-zero when it cannot (no apt-get, no rights, or the install failed).
apt_install() {
  local sudo=()
  command -v apt-get >/dev/null 2>&1 || return 1
  if [ "$(id -u)" -ne 0 ]; then
    sudo -n true 2>/dev/null || return 1
    sudo=(sudo -n)
  fi
  echo "${0##*/}: installing $* for the tests (apt-get) ..." >&2
  local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq -o Dpkg::Use-Pty=0)
  # The package lists may be missing or old on a fresh machine: update only when the install fails.
  "${apt[@]}" install "$@" >/dev/null 2>&1 \
    || { "${apt[@]}" update >/dev/null && "${apt[@]}" install "$@" >/dev/null; }
}
