package dev.courier;

/** A request that exactly one handler carries out: {@link dev.courier.runtime.CommandProcessor#send(Command)}. */
public interface Command extends Request {}
