/** The watchtower: checks what rollup operators post and acts inside the challenge window. */
package dev.crossbar.monitor;
