package io.jengine.runtime;

import io.jengine.ir.Node;
import io.jengine.spi.Kernel;

/**
 * One step of a plan: the node, the backend that claimed it, its prepared kernel, and the values whose last reader
 * it is (dropped after the step so that intermediate tensors become garbage as early as possible).
 */
record PlannedNode(Node node, String backend, Kernel kernel, String[] lastUses) {}
