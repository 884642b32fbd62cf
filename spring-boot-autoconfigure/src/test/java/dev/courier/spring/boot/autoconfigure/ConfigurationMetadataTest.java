package dev.courier.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration metadata IDEs complete {@code courier.*} from: generated at build time, every key described. */
class ConfigurationMetadataTest {

    @Test
    void everyCourierKeyIsInTheGeneratedMetadataWithADescription() throws Exception {
        Map<String, String> described = new HashMap<>();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("META-INF/spring-configuration-metadata.json on the class path").isNotNull();
            for (JsonNode property : new ObjectMapper().readTree(in).get("properties")) {
                described.put(property.get("name").asText(), property.path("description").asText(""));
            }
        }

        assertThat(described).containsKeys("courier.transport", "courier.request-types", "courier.subscriptions",
                "courier.outbox.table", "courier.outbox.create-tables", "courier.sweeper.enabled",
                "courier.sweeper.interval", "courier.sweeper.min-age", "courier.rabbitmq.exchange",
                "courier.health.max-outstanding", "courier.health.max-age", "courier.shutdown-timeout",
                "spring.rabbitmq.host", "spring.rabbitmq.addresses");
        assertThat(described).allSatisfy((name, description) -> {
            if (name.startsWith("courier.")) {
                assertThat(description).as("the description of " + name).isNotBlank();
            }
        });
    }
}
