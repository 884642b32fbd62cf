package dev.courier.cli;

import dev.courier.test.TestServices;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;

/** Runs the tool in this JVM with an environment of the test's making, capturing what it prints. */
final class Cli {
    private final Map<String, String> environment = new HashMap<>();

    Cli(String exchange) {
        environment.put("COURIER_AMQP_URI", TestServices.RABBITMQ_URI);
        environment.put("COURIER_EXCHANGE", exchange);
        environment.put("COURIER_JDBC_URL", TestServices.POSTGRES_URL);
    }

    Cli with(String name, String value) {
        environment.put(name, value);
        return this;
    }

    Map<String, String> environment() {
        return Map.copyOf(environment);
    }

    Result run(String... args) {
        return runWithInput("", args);
    }

    Result runWithInput(String input, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CourierCli cli = new CourierCli(Map.copyOf(environment), new BufferedReader(new StringReader(input)), false);
        int code = CourierCli.run(cli, new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }
}
