package io.fluxdb.engine.mysql.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class LoginGateTest {
    private final List<CompletableFuture<String>> started = new ArrayList<>();

    private CompletableFuture<String> login() {
        CompletableFuture<String> attempt = new CompletableFuture<>();
        started.add(attempt);
        return attempt;
    }

    @Test
    void startsAtMostTheLimitAndTheRestInArrivalOrder() throws Exception {
        LoginGate gate = new LoginGate(2);
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            results.add(gate.submit(this::login));
        }
        assertThat(started).hasSize(2);
        assertThat(gate.waiting()).isEqualTo(3);

        started.get(1).complete("b");
        assertThat(results.get(1).get()).isEqualTo("b");
        assertThat(started).hasSize(3);
        assertThat(results.get(2)).isNotDone();

        started.get(0).complete("a");
        started.get(2).complete("c");
        assertThat(started).hasSize(5);
        assertThat(gate.waiting()).isZero();
        started.get(3).complete("d");
        started.get(4).complete("e");
        assertThat(results).extracting(CompletableFuture::get).containsExactly("a", "b", "c", "d", "e");
    }

    @Test
    void aFailedLoginFailsItsCallerAndFreesItsPlace() {
        LoginGate gate = new LoginGate(1);
        CompletableFuture<String> first = gate.submit(this::login);
        CompletableFuture<String> second = gate.submit(this::login);
        assertThat(started).hasSize(1);

        started.getFirst().completeExceptionally(new IllegalStateException("engine refused"));
        assertThatThrownBy(first::get).isInstanceOf(ExecutionException.class).hasMessageContaining("engine refused");
        assertThat(started).hasSize(2);
        started.get(1).complete("ok");
        assertThat(second).isCompletedWithValue("ok");
    }

    @Test
    void aLoginThatThrowsFreesItsPlace() {
        LoginGate gate = new LoginGate(1);
        CompletableFuture<String> thrown = gate.submit(() -> {
            throw new IllegalArgumentException("no such engine");
        });
        assertThat(thrown).isCompletedExceptionally();
        CompletableFuture<String> next = gate.submit(this::login);
        assertThat(started).hasSize(1);
        started.getFirst().complete("ok");
        assertThat(next).isCompletedWithValue("ok");
    }

    /** An engine that refuses at once fails every login inside its start: a long queue must not nest them. */
    @Test
    void aLongQueueOfLoginsThatFailAtOnceDoesNotExhaustTheStack() {
        LoginGate gate = new LoginGate(1);
        CompletableFuture<String> first = gate.submit(this::login);
        List<CompletableFuture<String>> queued = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            queued.add(gate.submit(() -> CompletableFuture.failedFuture(new IllegalStateException("refused"))));
        }
        assertThat(gate.waiting()).isEqualTo(100_000);
        started.getFirst().complete("ok");
        assertThat(first).isCompletedWithValue("ok");
        assertThat(queued).allMatch(CompletableFuture::isCompletedExceptionally);
        assertThat(gate.waiting()).isZero();
        CompletableFuture<String> after = gate.submit(this::login);
        assertThat(started).hasSize(2);
        started.get(1).complete("again");
        assertThat(after).isCompletedWithValue("again");
    }

    @Test
    void theLimitMustBePositive() {
        assertThatThrownBy(() -> new LoginGate(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit: 0 (expected: >= 1)");
    }
}
