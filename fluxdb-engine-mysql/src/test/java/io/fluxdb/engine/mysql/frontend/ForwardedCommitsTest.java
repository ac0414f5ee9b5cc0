package io.fluxdb.engine.mysql.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.protocol.codec.ResponseTracker;
import io.fluxdb.protocol.constant.CommandType;
import io.fluxdb.protocol.constant.ServerStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ForwardedCommitsTest {
    private static final long PROTOCOL_41 = 0x0000_0200L;

    private final ForwardedCommits commits = new ForwardedCommits();
    /** The read index questions asked, in order; each is answered by the test. */
    private final List<CompletableFuture<Long>> questions = new ArrayList<>();
    private final Supplier<CompletableFuture<Long>> readIndex = () -> {
        CompletableFuture<Long> question = new CompletableFuture<>();
        questions.add(question);
        return question;
    };

    private static ResponseTracker answer(int statusFlags) {
        ResponseTracker tracker = ResponseTracker.forCommand(CommandType.COM_QUERY, PROTOCOL_41);
        ByteBuf ok = Unpooled.buffer();
        ok.writeByte(0x00).writeByte(1).writeByte(0).writeShortLE(statusFlags).writeShortLE(0);
        tracker.feed(ok);
        ok.release();
        return tracker;
    }

    private static ResponseTracker error() {
        ResponseTracker tracker = ResponseTracker.forCommand(CommandType.COM_QUERY, PROTOCOL_41);
        ByteBuf err = Unpooled.buffer();
        err.writeByte(0xFF).writeShortLE(1062).writeByte('#').writeBytes("23000Duplicate".getBytes());
        tracker.feed(err);
        err.release();
        return tracker;
    }

    @Test
    void withNothingAcknowledgedAReadAsksNothing() {
        assertThat(commits.indexToSee(readIndex)).isCompletedWithValue(0L);
        assertThat(questions).isEmpty();
    }

    @Test
    void anAcknowledgedWriteMakesTheNextReadsAskOnceAndShareTheAnswer() {
        commits.answered(answer(ServerStatus.SERVER_STATUS_AUTOCOMMIT), 0);
        CompletableFuture<Long> first = commits.indexToSee(readIndex);
        CompletableFuture<Long> second = commits.indexToSee(readIndex);
        assertThat(questions).hasSize(1);
        assertThat(first).isNotDone();

        questions.getFirst().complete(17L);
        assertThat(first).isCompletedWithValue(17L);
        assertThat(second).isCompletedWithValue(17L);
        assertThat(commits.indexToSee(readIndex)).as("covered: no new question").isCompletedWithValue(17L);
        assertThat(questions).hasSize(1);
    }

    @Test
    void aWriteAcknowledgedWhileAQuestionIsUnderWayNeedsANewOne() {
        commits.answered(answer(ServerStatus.SERVER_STATUS_AUTOCOMMIT), 0);
        CompletableFuture<Long> early = commits.indexToSee(readIndex);
        commits.answered(answer(ServerStatus.SERVER_STATUS_AUTOCOMMIT), 0);
        CompletableFuture<Long> late = commits.indexToSee(readIndex);
        assertThat(questions).hasSize(2);

        // The later question answers first; the earlier one's answer must not undo what it covered.
        questions.get(1).complete(30L);
        questions.getFirst().complete(25L);
        assertThat(early).isCompletedWithValue(25L);
        assertThat(late).isCompletedWithValue(30L);
        assertThat(commits.indexToSee(readIndex)).isCompletedWithValue(30L);
        assertThat(questions).hasSize(2);
    }

    @Test
    void aStatementThatLeftItsTransactionOpenCountsNothingButAnErrorDoes() {
        commits.answered(answer(ServerStatus.SERVER_STATUS_IN_TRANS | ServerStatus.SERVER_STATUS_AUTOCOMMIT), 0);
        assertThat(commits.indexToSee(readIndex)).isCompletedWithValue(0L);

        commits.answered(error(), 0);
        assertThat(commits.indexToSee(readIndex)).isNotDone();
        assertThat(questions).hasSize(1);
    }

    @Test
    void anAcknowledgementWithItsIndexNeedsNoQuestion() {
        commits.answered(answer(ServerStatus.SERVER_STATUS_AUTOCOMMIT), 40);
        commits.answered(answer(ServerStatus.SERVER_STATUS_AUTOCOMMIT), 39);
        assertThat(commits.indexToSee(readIndex)).isCompletedWithValue(40L);
        assertThat(questions).isEmpty();

        commits.answered(answer(ServerStatus.SERVER_STATUS_AUTOCOMMIT), 0);
        CompletableFuture<Long> both = commits.indexToSee(readIndex);
        questions.getFirst().complete(35L); // answered by a leader that had not reported 40 yet: 40 still counts
        assertThat(both).isCompletedWithValue(40L);
    }

    @Test
    void aQuestionAnsweredAtOnceIsNotLost() {
        commits.answered(answer(ServerStatus.SERVER_STATUS_AUTOCOMMIT), 0);
        assertThat(commits.indexToSee(() -> CompletableFuture.completedFuture(12L))).isCompletedWithValue(12L);
        assertThat(commits.indexToSee(readIndex)).isCompletedWithValue(12L);
        assertThat(questions).isEmpty();
    }

    @Test
    void aFailedQuestionIsAskedAgainByTheNextRead() {
        commits.answered(answer(ServerStatus.SERVER_STATUS_AUTOCOMMIT), 0);
        CompletableFuture<Long> failed = commits.indexToSee(readIndex);
        questions.getFirst().completeExceptionally(new IllegalStateException("no leader"));
        assertThat(failed).isCompletedExceptionally();

        CompletableFuture<Long> again = commits.indexToSee(readIndex);
        assertThat(questions).hasSize(2);
        questions.get(1).complete(8L);
        assertThat(again).isCompletedWithValue(8L);
    }
}
