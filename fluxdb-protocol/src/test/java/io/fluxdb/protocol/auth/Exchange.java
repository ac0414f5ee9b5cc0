package io.fluxdb.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Runs a client authenticator against a server authenticator in memory, recording the steps. */
final class Exchange {
    final List<String> steps = new ArrayList<>();

    AuthOutcome run(ClientAuthenticator client, ServerAuthenticator server, byte[] scramble, boolean secure) {
        byte[] data = client.initialResponse(scramble, secure);
        steps.add("client:" + data.length);
        for (int i = 0; i < 10; i++) {
            AuthOutcome outcome = server.onClientData(data, secure);
            switch (outcome) {
                case AuthOutcome.MoreData more -> {
                    steps.add("more:" + describe(more.data()));
                    Optional<byte[]> next = client.onMoreData(more.data());
                    assertThat(next).as("client answer to AuthMoreData").isPresent();
                    data = next.get();
                    steps.add("client:" + data.length);
                }
                case AuthOutcome.Success success -> {
                    if (success.moreDataBeforeOk().length > 0) {
                        steps.add("more:" + describe(success.moreDataBeforeOk()));
                        assertThat(client.onMoreData(success.moreDataBeforeOk())).isEmpty();
                    }
                    steps.add("ok");
                    return outcome;
                }
                default -> {
                    steps.add(outcome.getClass().getSimpleName());
                    return outcome;
                }
            }
        }
        throw new AssertionError("exchange did not end: " + steps);
    }

    private static String describe(byte[] data) {
        return data.length == 1 ? "0x0" + data[0] : data.length + " bytes";
    }
}
