/** Events Gantry's components publish: the production observability hook that tests also await. */
package dev.gantry.event;
