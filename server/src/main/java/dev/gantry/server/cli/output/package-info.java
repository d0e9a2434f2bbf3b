/**
 * How the CLI prints: aligned tables and relative times for people, JSON (snake_case, the
 * same field names as the REST API and the database) for scripts. Knows nothing of the
 * database or of any one command.
 */
package dev.gantry.server.cli.output;
