/**
 * Public API: configuration as immutable, validated records with builders
 * ({@link dev.gantry.config.WorkerConfig}, {@link dev.gantry.config.QueueConfig},
 * {@link dev.gantry.config.DatabaseUrl}, {@link dev.gantry.config.SchemaName}) and the hooks the
 * process lends the control plane ({@link dev.gantry.config.ControlHooks}). A bad value throws
 * {@link dev.gantry.config.ConfigException} naming the setting.
 */
package dev.gantry.config;
