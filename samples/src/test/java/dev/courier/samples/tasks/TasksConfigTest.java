package dev.courier.samples.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TasksConfigTest {

    @Test
    void withNothingSetTheSampleRunsEmbeddedOnTheProjectsDefaults() {
        TasksConfig config = TasksConfig.fromEnvironment(Map.of());

        assertThat(config.mode()).isEqualTo(TasksConfig.Mode.EMBEDDED);
        assertThat(config.rabbitMqUri()).isEqualTo("amqp://guest:guest@127.0.0.1:5672/%2F");
        assertThat(config.postgresUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        assertThat(config.httpPort()).isEqualTo(8080);
    }

    @Test
    void oneVariableSwitchesToRabbitMqAndTheAddressesComeFromTheEnvironment() {
        TasksConfig config = TasksConfig.fromEnvironment(Map.of("COURIER_MODE", "rabbitmq",
                "COURIER_RABBITMQ_URI", "amqp://app:secret@rabbit/%2F", "COURIER_POSTGRES_URL", "jdbc:postgresql://db/tasks",
                "TASKS_HTTP_PORT", "9090"));

        assertThat(config).isEqualTo(new TasksConfig(TasksConfig.Mode.RABBITMQ, "amqp://app:secret@rabbit/%2F",
                "jdbc:postgresql://db/tasks", 9090));
    }

    @Test
    void anUnknownModeIsRefusedNamingTheValue() {
        assertThatThrownBy(() -> TasksConfig.fromEnvironment(Map.of("COURIER_MODE", "kafka")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("COURIER_MODE must be 'embedded' or 'rabbitmq' but was 'kafka'");
    }

    @Test
    void aPortThatIsNotANumberIsRefusedNamingTheValue() {
        assertThatThrownBy(() -> TasksConfig.fromEnvironment(Map.of("TASKS_HTTP_PORT", "http")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TASKS_HTTP_PORT must be a port number but was 'http'");
    }
}
