/**
 * The zero-config PostgreSQL that {@code gantry server} starts when {@code DATABASE_URL} is unset:
 * zonky's PostgreSQL binaries unpacked into a data directory that persists across restarts,
 * served on 127.0.0.1 only to a non-superuser role with a generated password. PostgreSQL refuses root, so
 * as root it runs as an unprivileged user, never with uid 0 behind it (docs/adr/0011).
 * One gantry process at a time owns a data directory (a file lock). Depends on core's
 * {@code config} and {@code error} only; {@link dev.gantry.server.embedded.EmbeddedDatabase} and
 * its exception are public, the rest is internal.
 */
package dev.gantry.server.embedded;
