package dev.courier.reliability;

import dev.courier.Command;
import java.util.UUID;

/** The message every scenario sends: an id and a sequence number within the run. */
public record Work(UUID id, int n) implements Command {}
