/**
 * Configuration: immutable, validated records with builders. A bad value throws
 * {@link dev.gantry.config.ConfigException} naming the setting. Public API.
 */
package dev.gantry.config;
