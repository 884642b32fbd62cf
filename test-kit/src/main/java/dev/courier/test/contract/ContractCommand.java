package dev.courier.test.contract;

import dev.courier.Command;
import java.util.UUID;

/** The request type contract suites name in their subscriptions; transports never map it. */
public record ContractCommand(UUID id) implements Command {}
