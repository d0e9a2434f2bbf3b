/**
 * Internal: the control plane of a worker process (DESIGN.md section 4): registry heartbeats,
 * remote commands and their acknowledgements. Depends on worker, store, notify, lifecycle,
 * config and time; the process supplies logging and exit through {@link dev.gantry.control.ControlHooks}.
 */
package dev.gantry.control;
