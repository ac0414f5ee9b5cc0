package io.fluxdb.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    private final List<String> reopened = new ArrayList<>();
    private final StalledLinks links = new StalledLinks("n1", role::get, reopened::add, Duration.ofSeconds(2));

    @Test
    void aFollowerSilentForTheStallIsReopenedThenAgainOncePerStallWhileItStaysSilent() {
        role.set(leading(follower("n2", 300), follower("n3", 1_999)));
        links.check(0);
        assertThat(reopened).isEmpty();

        role.set(leading(follower("n2", 300), follower("n3", 2_000)));
        links.check(SECOND);
        assertThat(reopened).containsExactly("n3");

        role.set(leading(follower("n2", 300), follower("n3", 3_500)));
        links.check(2 * SECOND);
        assertThat(reopened).as("not again within the stall").containsExactly("n3");

        role.set(leading(follower("n2", 300), follower("n3", 4_000)));
        links.check(3 * SECOND);
        assertThat(reopened).containsExactly("n3", "n3");
    }

    @Test
    void aFollowerThatAnswersAgainIsReopenedAtOnceWhenItFallsSilentAgain() {
        role.set(leading(follower("n2", 5_000)));
        links.check(0);
        role.set(leading(follower("n2", 100)));
        links.check(SECOND / 2);
        role.set(leading(follower("n2", 2_100)));
        links.check(SECOND);
        assertThat(reopened).containsExactly("n2", "n2");
    }

    @Test
    void onlyALeaderReopensConnections() {
        role.set(RoleInfoProto.newBuilder().setFollowerInfo(FollowerInfoProto.newBuilder()
                .setLeaderInfo(follower("n2", 60_000))).build());
        links.check(0);
        role.set(null);
        links.check(SECOND);
        assertThat(reopened).isEmpty();
    }

    private static RoleInfoProto leading(ServerRpcProto... followers) {
        LeaderInfoProto.Builder leader = LeaderInfoProto.newBuilder().setTerm(3);
        for (ServerRpcProto f : followers) {
            leader.addFollowerInfo(f);
        }
        return RoleInfoProto.newBuilder().setLeaderInfo(leader).build();
    }

    private static ServerRpcProto follower(String id, long silentMillis) {
        return ServerRpcProto.newBuilder().setId(RaftPeerProto.newBuilder().setId(ByteString.copyFromUtf8(id)))
                .setLastRpcElapsedTimeMs(silentMillis).build();
    }
}
