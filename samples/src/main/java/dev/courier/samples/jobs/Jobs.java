package dev.courier.samples.jobs;

import dev.courier.Command;
import dev.courier.mapping.MessageMappers;
import java.util.UUID;

/** The messages of the jobs sample: a request to run a long job, and its answer, sent to the requester's mailbox. */
public final class Jobs {
    /** Run job {@code job} (about {@code workMillis} of work) and send the answer to the mailbox {@code answerTo}. */
    public record StartJob(UUID id, String job, int workMillis, String answerTo) implements Command {}

    /** Job {@code job} is done; {@code worker} names the process that ran it. */
    public record JobDone(UUID id, String job, long result, String worker) implements Command {}

    public static final String START_TOPIC = "jobs.start";

    private Jobs() {}

    /** Both sides map both types, with jobs started on {@code startTopic}; the answer's topic does not matter. */
    public static MessageMappers mappers(String startTopic) {
        return new MessageMappers().json(StartJob.class, startTopic).json(JobDone.class, "jobs.done");
    }
}
