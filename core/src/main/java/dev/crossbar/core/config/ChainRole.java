package dev.crossbar.core.config;

/** Whether a chain settles others (L1) or is a rollup (L2). */
public enum ChainRole { L1, L2 }
