package dev.courier.samples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The tasks API on Spring Boot with Courier's starter: {@code mvn -q -pl samples-spring-boot -am spring-boot:run}
 * is not set up; run {@code java -cp ... dev.courier.samples.boot.TasksBootApplication} or its test. Settings in
 * {@code application.properties}: PostgreSQL and RabbitMQ on this machine.
 */
@SpringBootApplication
public class TasksBootApplication {
    public static void main(String[] args) {
        SpringApplication.run(TasksBootApplication.class, args);
    }
}
