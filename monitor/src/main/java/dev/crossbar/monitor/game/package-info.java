/**
 * The honest player of OP's dispute games ({@code FaultDisputeGame}, contracts-bedrock 0.17.3), as pure decisions:
 * the {@link dev.crossbar.monitor.game.Position} math of the claim tree, the honest
 * {@link dev.crossbar.monitor.game.TraceProvider traces} of both halves joined by
 * {@link dev.crossbar.monitor.game.SplitTrace}, and the {@link dev.crossbar.monitor.game.Solver} that turns a game's
 * claims into the moves and steps to make. Nothing here reads a chain or sends a transaction: output roots come in
 * through {@link dev.crossbar.monitor.game.OutputRoots}, claims as a {@link dev.crossbar.monitor.game.GameState}.
 */
package dev.crossbar.monitor.game;
