package io.fluxdb.engine.mysql.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdvisoryLockTallyTest {
    private final AdvisoryLockTally tally = new AdvisoryLockTally();

    @Test
    void aLockReleasedByNameIsNoLongerHeld() {
        tally.ran("SELECT GET_LOCK('orders', 10)");
        assertThat(tally.holds()).isTrue();
        tally.ran("SELECT RELEASE_LOCK('orders')");
        assertThat(tally.holds()).isFalse();
    }

    @Test
    void aLockTakenTwiceIsHeldUntilReleasedTwiceAndNamesIgnoreCase() {
        tally.ran("SELECT GET_LOCK('a', 0)");
        tally.ran("select get_lock( 'A' ,0)");
        tally.ran("SELECT RELEASE_LOCK('a')");
        assertThat(tally.holds()).isTrue();
        tally.ran("DO RELEASE_LOCK('A')");
        assertThat(tally.holds()).isFalse();
    }

    @Test
    void releasingAnotherNameOrAnExpressionKeepsTheLock() {
        tally.ran("SELECT GET_LOCK('a', 0)");
        tally.ran("SELECT RELEASE_LOCK('b')");
        tally.ran("SELECT RELEASE_LOCK(CONCAT('a', ''))");
        assertThat(tally.holds()).isTrue();
    }

    @Test
    void aNameTheTextDoesNotGiveCountsUntilEverythingIsReleased() {
        tally.ran("SELECT GET_LOCK(?, 5)");
        tally.ran("SELECT RELEASE_LOCK('x')");
        assertThat(tally.holds()).isTrue();
        tally.ran("SELECT GET_LOCK('it''s', 5)");
        tally.ran("SELECT RELEASE_LOCK('it''s')");
        assertThat(tally.holds()).isTrue();
        tally.ran("SELECT RELEASE_ALL_LOCKS()");
        assertThat(tally.holds()).isFalse();
    }

    @Test
    void withinOneTextReleasesCountBeforeTakings() {
        tally.ran("SELECT IF(GET_LOCK('a', 0), 1, RELEASE_LOCK('a'))");
        assertThat(tally.holds()).as("the text does not say whether the release ran").isTrue();
        tally.ran("SELECT RELEASE_ALL_LOCKS(), GET_LOCK('b', 0)");
        assertThat(tally.holds()).isTrue();
        tally.ran("SELECT RELEASE_LOCK('b')");
        assertThat(tally.holds()).isFalse();
    }

    @Test
    void aCommentBeforeTheParenthesisDoesNotHideACall() {
        tally.ran("SELECT GET_LOCK /* why */ ('a', 0)");
        assertThat(AdvisoryLockTally.callsGetLock("SELECT GET_LOCK/**/('a', 0)")).isTrue();
        assertThat(tally.holds()).isTrue();
        tally.clear();
        assertThat(tally.holds()).isFalse();
    }

    @Test
    void otherFunctionsChangeNothing() {
        tally.ran("SELECT IS_FREE_LOCK('a'), IS_USED_LOCK('a'), MY_GET_LOCK('a', 1)");
        assertThat(tally.holds()).isFalse();
        assertThat(AdvisoryLockTally.callsGetLock("SELECT IS_FREE_LOCK('a')")).isFalse();
    }
}
