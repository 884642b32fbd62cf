package dev.courier.reliability;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.courier.HandlerRegistry;
import dev.courier.Producers;
import dev.courier.RequestHandler;
import dev.courier.Subscription;
import dev.courier.mapping.MessageMappers;
import dev.courier.runtime.CommandProcessor;
import dev.courier.runtime.CommandProcessorBuilder;
import dev.courier.runtime.Dispatcher;
import dev.courier.steps.UseInbox;
import dev.courier.store.jdbc.InTransaction;
import dev.courier.store.jdbc.JdbcInbox;
import dev.courier.store.jdbc.JdbcTransactions;
import dev.courier.transport.rabbitmq.QueueType;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A consumer process: a Dispatcher on one channel whose handler records every handling in the {@link HandlingLog}
 * table (optionally behind {@code @UseInbox} with a {@link JdbcInbox}). Arguments are {@code key=value} pairs (see
 * {@link Node}). Prints {@code READY pid} once its pumps run; stops gracefully when its stdin closes.
 */
public final class ConsumerNode {
    private ConsumerNode() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            opts.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(opts.get("db"));
        pool.setMaximumPoolSize(4);
        pool.setConnectionTimeout(2000);
        pool.setInitializationFailTimeout(-1);
        HikariDataSource dataSource = new HikariDataSource(pool);
        String table = opts.get("handled");
        long handleMillis = Long.parseLong(opts.getOrDefault("handleMs", "0"));
        String startedTable = opts.getOrDefault("started", "");
        int holdOn = Integer.parseInt(opts.getOrDefault("holdOn", "-1"));
        RequestHandler<Work> recording = work -> {
            if (!startedTable.isEmpty()) {
                HandlingLog.record(dataSource, startedTable, work); // committed before the work begins
            }
            if (work.n() == holdOn) {
                while (true) {
                    LockSupport.park(); // mid-handling until the test kills this process
                }
            }
            if (handleMillis > 0) {
                LockSupport.parkNanos(handleMillis * 1_000_000); // the handler's "work"
            }
            HandlingLog.record(dataSource, table, work);
        };
        HandlerRegistry handlers = new HandlerRegistry();
        CommandProcessorBuilder processor = CommandProcessor.builder()
                .mappers(new MessageMappers().json(Work.class, opts.get("topic")));
        String inboxTable = opts.getOrDefault("inbox", "");
        if (inboxTable.isEmpty()) {
            handlers.register(Work.class, recording);
        } else {
            // The handling's record and its inbox entry commit in one transaction (see OnceOnly).
            JdbcTransactions transactions = JdbcTransactions.over(dataSource);
            handlers.register(Work.class, new OnceOnly(work -> {
                if (handleMillis > 0) {
                    LockSupport.parkNanos(handleMillis * 1_000_000);
                }
                HandlingLog.record(transactions.connection(), table, work);
            }));
            processor.inbox(JdbcInbox.builder(dataSource).table(inboxTable).transactionProvider(transactions)
                    .createTables(true).build()).stepFactory(InTransaction.class, transactions.stepFactory());
        }
        RabbitMqTransport transport = RabbitMqTransport.connect(RabbitMqConfig.builder().uri(opts.get("uri"))
                .exchange(opts.get("exchange")).connectionName(opts.get("name"))
                .heartbeat(Duration.ofSeconds(Long.parseLong(opts.getOrDefault("heartbeatS", "30"))))
                .recoveryInterval(Duration.ofMillis(Long.parseLong(opts.getOrDefault("recoveryMs", "1000"))))
                .defaultQueueType(QueueType.valueOf(opts.getOrDefault("queueType", "CLASSIC"))).build());
        CommandProcessor built = processor.handlers(handlers).producers(Producers.of(transport.producer())).build();
        Dispatcher dispatcher = Dispatcher.builder().processor(built)
                .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                .subscription(Subscription.builder(opts.get("topic"), Work.class).transport(transport)
                        .performers(Integer.parseInt(opts.getOrDefault("performers", "2")))
                        .prefetch(Integer.parseInt(opts.getOrDefault("prefetch", "50")))
                        .requeueCount(Integer.parseInt(opts.getOrDefault("requeueCount", "1000")))
                        .requeueDelay(Duration.ofMillis(Long.parseLong(opts.getOrDefault("requeueDelayMs", "200")))).build())
                .build();
        dispatcher.start();
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // the parent closes stdin to stop us
        }
        boolean clean = dispatcher.stop(Duration.ofSeconds(20));
        built.close();
        transport.close();
        dataSource.close();
        System.out.println("STOPPED " + clean);
        System.out.flush();
        System.exit(0);
    }

    /**
     * The recording handler behind the inbox, in a transaction with its inbox entry: a redelivered message that was
     * handled already is skipped, and a handling a SIGKILL cuts short commits nothing.
     */
    static final class OnceOnly implements RequestHandler<Work> {
        private final RequestHandler<Work> delegate;

        OnceOnly(RequestHandler<Work> delegate) {
            this.delegate = delegate;
        }

        @InTransaction(step = 1)
        @UseInbox(step = 2, onDuplicate = UseInbox.OnDuplicate.WARN)
        @Override
        public void handle(Work work) {
            delegate.handle(work);
        }
    }
}
