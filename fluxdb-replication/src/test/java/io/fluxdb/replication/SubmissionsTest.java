package io.fluxdb.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.spi.ClusterException;
import io.fluxdb.engine.spi.ClusterException.Reason;
import io.fluxdb.engine.spi.CommitResult;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SubmissionsTest {
    private final Submissions submissions = new Submissions(Runnable::run);

    @Test
    void aSubmissionThatFailsBeforeItsAppendIsACertainFailureAndItsAppendIsRefused() {
        Submissions.Submission submission = submissions.open();
        AtomicReference<Boolean> appended = new AtomicReference<>();
        submissions.fail(submission, wasAppended -> {
            appended.set(wasAppended);
            return new ClusterException(Reason.NOT_LEADER, "not appended");
        });
        assertThat(appended.get()).isFalse();
        assertThat(submission.future).isCompletedExceptionally();
        assertThat(submissions.beforeAppend(submission.callId)).isFalse();
        assertThat(submissions.committed(submission.callId, 1, 5)).isNull();
    }

    @Test
    void aSubmissionThatFailsAfterItsAppendIsAmbiguousAndNotTakenAsLocalIfItCommitsLater() {
        Submissions.Submission submission = submissions.open();
        assertThat(submissions.beforeAppend(submission.callId)).isTrue();
        AtomicReference<Boolean> appended = new AtomicReference<>();
        submissions.fail(submission, wasAppended -> {
            appended.set(wasAppended);
            return new ClusterException(Reason.NO_QUORUM, "may commit");
        });
        assertThat(appended.get()).isTrue();
        assertThat(submissions.committed(submission.callId, 1, 5)).isNull();
    }

    @Test
    void aCommittedSubmissionIsToldOnceAndCannotFailAfterwards() {
        Submissions.Submission submission = submissions.open();
        assertThat(submissions.beforeAppend(submission.callId)).isTrue();
        Runnable tell = submissions.committed(submission.callId, 2, 9);
        assertThat(tell).isNotNull();
        assertThat(submission.future).isNotDone();
        tell.run();
        assertThat(submission.future).isCompletedWithValue(new CommitResult(2, 9));
        submissions.fail(submission, appended -> new ClusterException(Reason.SHUTDOWN, "too late"));
        assertThat(submission.future).isCompletedWithValue(new CommitResult(2, 9));
        assertThat(submissions.committed(submission.callId, 2, 9)).isNull();
    }

    @Test
    void anotherClientsCallIsNeverLocal() {
        assertThat(submissions.beforeAppend(12345)).isFalse();
        assertThat(submissions.committed(12345, 1, 1)).isNull();
    }
}
