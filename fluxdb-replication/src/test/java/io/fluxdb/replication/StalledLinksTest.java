package io.fluxdb.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.proto.RaftProtos.FollowerInfoProto;
import org.apache.ratis.proto.RaftProtos.LeaderInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

class StalledLinksTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final AtomicReference<RoleInfoProto> role = new AtomicReference<>();
    private final AtomicLong clock = new AtomicLong(100 * SECOND);
    private final List<String> reopened = new ArrayList<>();
    /** Closes not yet run, when {@link #holdCloses} is set. */
    private final List<Runnable> held = new ArrayList<>();
    private boolean holdCloses;
    private final StalledLinks links = new StalledLinks("n1", role::get, reopened::add,
            task -> {
                if (holdCloses) {
                    held.add(task);
                } else {
                    task.run();
                }
            }, clock::get, Duration.ofSeconds(2));

    @Test
    void aSilentFollowerIsReopenedThenAgainAtDoublingIntervalsAfterEachCloseEnded() {
        check(60_000, follower("n2", 300), follower("n3", 300));
        at(1, 60_000, follower("n2", 300), follower("n3", 1_300));
        at(1, 60_000, follower("n2", 300), follower("n3", 1_999));
        assertThat(reopened).isEmpty();

        at(0, 60_000, follower("n2", 300), follower("n3", 2_000));
        assertThat(reopened).containsExactly("n3");

        at(1, 60_000, follower("n3", 3_000));
        assertThat(reopened).as("not again within the stall").containsExactly("n3");
        at(1, 60_000, follower("n3", 4_000));
        assertThat(reopened).containsExactly("n3", "n3");
        at(3, 60_000, follower("n3", 7_000));
        assertThat(reopened).as("the interval doubled to 4 s").containsExactly("n3", "n3");
        at(1, 60_000, follower("n3", 8_000));
        assertThat(reopened).containsExactly("n3", "n3", "n3");
    }

    @Test
    void aFollowerThatAnswersAgainStartsOverWithTheShortInterval() {
        check(60_000, follower("n2", 5_000));
        at(2, 60_000, follower("n2", 7_000));
        at(2, 60_000, follower("n2", 9_000));
        assertThat(reopened).hasSize(2);
        at(1, 60_000, follower("n2", 100));
        at(2, 60_000, follower("n2", 2_100));
        assertThat(reopened).as("reopened at once when it falls silent again").hasSize(3);
        at(2, 60_000, follower("n2", 4_100));
        assertThat(reopened).as("2 s after the close, not 8").hasSize(4);
    }

    @Test
    void aNewLeaderDoesNotTakeTheClockRatisStartsInThePastForSilence() {
        // Ratis starts each follower's last answer one election timeout before the leader began to lead
        check(300, follower("n2", 2_300));
        assertThat(reopened).isEmpty();
        at(2, 2_300, follower("n2", 4_300));
        assertThat(reopened).as("silent for 2 s of this term").containsExactly("n2");
    }

    @Test
    void aFollowerAddedLaterIsGivenTheStallFromWhenItWasFirstSeen() {
        check(600_000, follower("n2", 10));
        check(600_000, follower("n2", 10), follower("n4", 600_000));
        assertThat(reopened).isEmpty();
        at(2, 602_000, follower("n2", 10), follower("n4", 602_000));
        assertThat(reopened).containsExactly("n4");
    }

    @Test
    void aCloseStillRunningIsNotStartedAgain() {
        holdCloses = true;
        check(60_000, follower("n2", 5_000));
        at(2, 60_000, follower("n2", 7_000));
        at(10, 60_000, follower("n2", 17_000));
        assertThat(held).hasSize(1);
        held.getFirst().run();
        assertThat(reopened).containsExactly("n2");
    }

    @Test
    void onlyALeaderReopensConnections() {
        role.set(RoleInfoProto.newBuilder().setFollowerInfo(FollowerInfoProto.newBuilder()
                .setLeaderInfo(follower("n2", 60_000))).build());
        links.check();
        role.set(null);
        links.check();
        assertThat(reopened).isEmpty();
    }

    private void at(long secondsLater, long leadingMillis, ServerRpcProto... followers) {
        clock.addAndGet(secondsLater * SECOND);
        check(leadingMillis, followers);
    }

    private void check(long leadingMillis, ServerRpcProto... followers) {
        LeaderInfoProto.Builder leader = LeaderInfoProto.newBuilder().setTerm(3);
        for (ServerRpcProto f : followers) {
            leader.addFollowerInfo(f);
        }
        role.set(RoleInfoProto.newBuilder().setRoleElapsedTimeMs(leadingMillis).setLeaderInfo(leader).build());
        links.check();
    }

    private static ServerRpcProto follower(String id, long silentMillis) {
        return ServerRpcProto.newBuilder().setId(RaftPeerProto.newBuilder().setId(ByteString.copyFromUtf8(id)))
                .setLastRpcElapsedTimeMs(silentMillis).build();
    }
}
