package dev.courier;

/** A request that exactly one handler carries out: {@link CommandProcessor#send(Command)}. */
public interface Command extends Request {}
