package dev.courier.spring.boot.autoconfigure;

import dev.courier.CourierListener;
import dev.courier.Producers;
import dev.courier.runtime.OutboxSweeper;
import dev.courier.runtime.OutboxSweeperBuilder;
import dev.courier.spi.Outbox;
import dev.courier.spi.Transport;
import dev.courier.store.InMemoryOutbox;
import dev.courier.store.jdbc.JdbcOutbox;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.ConnectionHolder;

/** The outbox: a table in the application's DataSource, else in memory; and the sweeper that drains it. */
final class CourierOutboxConfiguration {
    private CourierOutboxConfiguration() {}

    /** The JDBC outbox in the application's DataSource (the only one, or the {@code @Primary} one), joining Spring's transactions on it. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({JdbcOutbox.class, ConnectionHolder.class})
    @ConditionalOnSingleCandidate(DataSource.class)
    static class Jdbc {
        /** Built after Flyway, Liquibase or schema.sql have run (it checks its table when built). */
        @Bean
        @ConditionalOnMissingBean(Outbox.class)
        @DependsOnDatabaseInitialization
        JdbcOutbox courierOutbox(DataSource dataSource, CourierProperties properties) {
            return JdbcOutbox.builder(dataSource).table(properties.getOutbox().getTable())
                    .createTables(properties.getOutbox().isCreateTables())
                    .transactionProvider(new SpringTransactionProvider(dataSource)).build();
        }

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        @ConditionalOnProperty(name = "courier.sweeper.enabled", matchIfMissing = true)
        OutboxSweeper courierSweeper(Outbox outbox, Transport transport, CourierProperties properties,
                ObjectProvider<CourierListener> listeners) {
            OutboxSweeperBuilder builder = OutboxSweeper.builder(outbox, Producers.of(transport))
                    .interval(properties.getSweeper().getInterval()).minAge(properties.getSweeper().getMinAge());
            listeners.orderedStream().forEach(builder::listener);
            return builder.build();
        }
    }

    /** Without a DataSource: an outbox in memory (what is not yet sent is lost if the process dies). */
    @Configuration(proxyBeanMethods = false)
    static class InMemory {
        @Bean
        @ConditionalOnMissingBean(Outbox.class)
        InMemoryOutbox courierOutbox() {
            return new InMemoryOutbox();
        }
    }
}
