package dev.crossbar.messaging;

/** A small payload for tests. */
record Transfer(String id, long seq) {}
