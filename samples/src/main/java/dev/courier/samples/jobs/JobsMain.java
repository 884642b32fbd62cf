package dev.courier.samples.jobs;

import dev.courier.samples.jobs.Jobs.JobDone;
import dev.courier.store.jdbc.JdbcMailboxStore;
import dev.courier.transport.rabbitmq.RabbitMqConfig;
import dev.courier.transport.rabbitmq.RabbitMqTransport;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The jobs sample as two console programs on RabbitMQ and PostgreSQL (COURIER_RABBITMQ_URI, COURIER_POSTGRES_URL):
 * {@code worker} runs jobs until stopped; {@code client start a b c} starts jobs and exits;
 * {@code client await a b c} waits for their answers, which wait for it in its mailbox however long it was away.
 */
public final class JobsMain {
    private JobsMain() {}

    public static void main(String[] args) throws Exception {
        String uri = System.getenv().getOrDefault("COURIER_RABBITMQ_URI", "amqp://guest:guest@127.0.0.1:5672/%2F");
        try (RabbitMqTransport rabbit = RabbitMqTransport.connect(RabbitMqConfig.of(uri))) {
            if (args.length > 0 && args[0].equals("worker")) {
                JobWorker worker = new JobWorker(rabbit, "worker-" + ProcessHandle.current().pid());
                CountDownLatch stopped = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    worker.close();
                    stopped.countDown();
                }));
                System.out.println("Worker running; Ctrl-C stops it after the jobs in hand.");
                stopped.await();
                return;
            }
            if (args.length < 2 || !args[0].equals("client")) {
                System.err.println("usage: JobsMain worker | client start NAME... | client await NAME...");
                System.exit(2);
            }
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setURL(System.getenv().getOrDefault("COURIER_POSTGRES_URL",
                    "jdbc:postgresql://127.0.0.1:5432/test?user=postgres"));
            try (JobClient client = new JobClient(rabbit,
                    JdbcMailboxStore.builder(dataSource).table("jobs_mailbox").createTables(true).build(), "job-client")) {
                for (int i = 2; i < args.length; i++) {
                    if (args[1].equals("start")) {
                        client.start(args[i], 2_000);
                        System.out.println("started job " + args[i]);
                    } else {
                        JobDone done = client.await(args[i], Duration.ofMinutes(5));
                        System.out.println("job " + done.job() + " done by " + done.worker() + ": " + done.result());
                    }
                }
            }
        }
    }
}
