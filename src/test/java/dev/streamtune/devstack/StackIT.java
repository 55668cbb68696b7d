package dev.streamtune.devstack;

import dev.streamtune.testing.WithStack;

/** The stack contract on the run's servers: DevStack here, containers where Docker runs. */
@WithStack
class StackIT extends StackContract {}
