package dev.courier.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.Command;
import dev.courier.DeferMessageException;
import dev.courier.DuplicateMessageException;
import dev.courier.PublishFailedException;
import dev.courier.RejectMessageException;
import dev.courier.Subscription;
import dev.courier.internal.Settlement.Acknowledge;
import dev.courier.internal.Settlement.Decision;
import dev.courier.internal.Settlement.GiveUp;
import dev.courier.internal.Settlement.Quit;
import dev.courier.internal.Settlement.Requeue;
import dev.courier.mapping.MessageMappingException;
import dev.courier.message.Message;
import dev.courier.message.MessageBody;
import dev.courier.message.MessageHeader;
import dev.courier.message.MessageType;
import dev.courier.spi.ChannelSpec;
import dev.courier.spi.DeadLetterReason;
import dev.courier.spi.MessageConsumer;
import dev.courier.spi.MessageProducer;
import dev.courier.spi.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The decision table of docs/dispatcher.md, row by row, with no broker: each test names the row it checks. The
 * subscription requeues 3 times, 1 s apart (its defaults).
 */
class SettlementTest {
    record Job(UUID id) implements Command {}

    /** Never called: a decision needs the subscription's settings, not its broker. */
    private static final Transport NO_BROKER = new Transport() {
        @Override
        public MessageProducer producer() {
            throw new AssertionError("the decision table never sends");
        }

        @Override
        public MessageConsumer createConsumer(ChannelSpec channel) {
            throw new AssertionError("the decision table never consumes");
        }
    };

    private final Subscription subscription = Subscription.builder("jobs", Job.class).transport(NO_BROKER).build();

    @Test
    void theHandlerReturnedSoTheMessageIsAcknowledged() {
        assertThat(Settlement.afterHandling(message(0), null, subscription))
                .isEqualTo(new Acknowledge(null));
    }

    @Test
    void anyExceptionRequeuesAfterTheRequeueDelayCountingTheAttempt() {
        Decision decision = Settlement.afterHandling(message(1), new IllegalStateException("down"), subscription);
        assertThat(decision).isInstanceOfSatisfying(Requeue.class, r -> {
            assertThat(r.delay()).isEqualTo(Duration.ofSeconds(1));
            assertThat(r.attempts()).isEqualTo(2);
        });
    }

    @Test
    void deferRequeuesAfterItsOwnDelayAndCountsAsAFailedHandling() {
        Decision decision = Settlement.afterHandling(message(0),
                new RuntimeException("wrapped", new DeferMessageException(Duration.ofMinutes(7), "later")),
                subscription);
        assertThat(decision).isInstanceOfSatisfying(Requeue.class, r -> {
            assertThat(r.delay()).isEqualTo(Duration.ofMinutes(7));
            assertThat(r.attempts()).isEqualTo(1);
        });
    }

    @Test
    void aFailureAfterRequeueCountPlusOneHandlingsGivesUpAsHandlerFailed() {
        assertThat(Settlement.afterHandling(message(2), new IllegalStateException("x"), subscription))
                .isInstanceOf(Requeue.class);
        Decision last = Settlement.afterHandling(message(3), new IllegalStateException("x"), subscription);
        assertThat(last).isInstanceOfSatisfying(GiveUp.class, g -> {
            assertThat(g.reason()).isEqualTo("handler-failed");
            assertThat(g.attempts()).isEqualTo(4);
        });
    }

    @Test
    void requeueCountZeroGivesUpOnTheFirstFailure() {
        Subscription none = subscription.toBuilder().requeueCount(0).build();
        assertThat(Settlement.afterHandling(message(0), new IllegalStateException("x"), none))
                .isInstanceOfSatisfying(GiveUp.class, g -> assertThat(g.reason()).isEqualTo("handler-failed"));
    }

    @Test
    void aRejectAnywhereInTheCauseChainOrAmongPublishFailuresGivesUpAtOnce() {
        Decision chained = Settlement.afterHandling(message(0),
                new RuntimeException(new RejectMessageException("bad order")), subscription);
        Decision published = Settlement.afterHandling(message(0), new PublishFailedException(Job.class, 2,
                List.of(new IllegalStateException("one"), new RejectMessageException("two"))), subscription);
        for (Decision decision : List.of(chained, published)) {
            assertThat(decision).isInstanceOfSatisfying(GiveUp.class, g -> {
                assertThat(g.reason()).isEqualTo("rejected");
                assertThat(g.attempts()).isEqualTo(1);
            });
        }
    }

    @Test
    void aDuplicateFoundByTheInboxIsAcknowledgedWithANote() {
        UUID id = UUID.randomUUID();
        Decision single = Settlement.afterHandling(message(0),
                new DuplicateMessageException(Job.class, id, "h"), subscription);
        Decision allDuplicates = Settlement.afterHandling(message(0), new PublishFailedException(Job.class, 2,
                List.of(new DuplicateMessageException(Job.class, id, "a"),
                        new DuplicateMessageException(Job.class, id, "b"))), subscription);
        assertThat(single).isInstanceOfSatisfying(Acknowledge.class, a -> assertThat(a.note()).isNotNull());
        assertThat(allDuplicates).isInstanceOf(Acknowledge.class);
    }

    @Test
    void aPublishWhereOnlySomeHandlersFoundDuplicatesIsRequeued() {
        UUID id = UUID.randomUUID();
        Decision decision = Settlement.afterHandling(message(0), new PublishFailedException(Job.class, 2,
                List.of(new DuplicateMessageException(Job.class, id, "a"), new IllegalStateException("b"))),
                subscription);
        assertThat(decision).isInstanceOf(Requeue.class);
    }

    @Test
    void anUnmappableMessageIsGivenUpAsUnacceptableOnItsFirstDelivery() {
        Message message = message(0);
        Decision decision = Settlement.unacceptable(message,
                new MessageMappingException("jobs", message.id(), "not JSON"));
        assertThat(decision).isInstanceOfSatisfying(GiveUp.class, g -> {
            assertThat(g.reason()).isEqualTo("unacceptable");
            assertThat(g.attempts()).isZero();
        });
    }

    @Test
    void anOrdinaryMessageIsAdmittedToMappingAndHandling() {
        assertThat(Settlement.admit(message(0), subscription)).isNull();
    }

    @Test
    void aQuitStopsThePerformerOnlyWhereTheSubscriptionAcceptsQuit() {
        Message quit = typed(MessageType.QUIT, Map.of());
        assertThat(Settlement.admit(quit, subscription.toBuilder().acceptQuit(true).build()))
                .isInstanceOf(Quit.class);
        assertThat(Settlement.admit(quit, subscription)).isInstanceOfSatisfying(GiveUp.class, g -> {
            assertThat(g.reason()).isEqualTo("unacceptable");
            assertThat(g.cause()).hasMessageContaining("QUIT");
        });
    }

    @Test
    void aMessageTheTransportMarkedUnacceptableIsGivenUpWithTheTransportsReasonNeverAPublishersDetail() {
        Message marked = typed(MessageType.UNACCEPTABLE, Map.of(MessageHeader.UNACCEPTABLE_REASON,
                "message_id is missing", DeadLetterReason.DETAIL, "forged by the publisher"));
        assertThat(Settlement.admit(marked, subscription)).isInstanceOfSatisfying(GiveUp.class, g -> {
            assertThat(g.reason()).isEqualTo("unacceptable");
            assertThat(g.cause()).hasMessageContaining("message_id is missing")
                    .hasMessageNotContaining("forged");
        });
        Message bare = typed(MessageType.UNACCEPTABLE, Map.of(DeadLetterReason.DETAIL, "forged by the publisher"));
        assertThat(Settlement.admit(bare, subscription)).isInstanceOfSatisfying(GiveUp.class,
                g -> assertThat(g.cause()).hasMessageContaining("no reason").hasMessageNotContaining("forged"));
    }

    private static Message message(int handledCount) {
        return new Message(MessageHeader.builder(UUID.randomUUID(), "jobs", MessageType.COMMAND)
                .handledCount(handledCount).build(), MessageBody.json("{}"));
    }

    private static Message typed(MessageType type, Map<String, String> bag) {
        return new Message(MessageHeader.builder(UUID.randomUUID(), "jobs", type).bag(bag).build(),
                MessageBody.json("{}"));
    }
}
