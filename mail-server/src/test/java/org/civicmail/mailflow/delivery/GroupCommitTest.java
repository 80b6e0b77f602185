package org.civicmail.mailflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Group commit of concurrent deliveries: who is written with whom, and what each caller is told. */
class GroupCommitTest {
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final List<List<String>> groups = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    /** Items are "key/n"; the key is the part before the slash. */
    private GroupCommit<String, String> commit(GroupCommit.Writer<String, String> then, int maxGroup) {
        return new GroupCommit<>(group -> {
            groups.add(List.copyOf(group));
            return then.write(group);
        }, item -> item.substring(0, item.indexOf('/')), maxGroup);
    }

    private static List<String> written(List<String> group) {
        return group.stream().map(i -> "written " + i).toList();
    }

    @Test
    void aCallerAloneIsWrittenAtOnceInItsOwnThread() {
        Thread caller = Thread.currentThread();
        GroupCommit<String, String> commit = commit(group -> {
            assertThat(Thread.currentThread()).isSameAs(caller);
            return written(group);
        }, 64);

        List<GroupCommit.Result<String>> results = commit.submit(List.of("a/1", "b/1"));

        assertThat(results).extracting(GroupCommit.Result::output).containsExactly("written a/1", "written b/1");
        assertThat(groups).containsExactly(List.of("a/1", "b/1"));
    }

    @Test
    void callersArrivingDuringAWriteAreWrittenTogetherInTheNextGroupAndEachGetsItsOwnResults() throws Exception {
        CountDownLatch firstWriteRuns = new CountDownLatch(1);
        CountDownLatch releaseFirstWrite = new CountDownLatch(1);
        GroupCommit<String, String> commit = commit(group -> {
            if (group.contains("first/1")) {
                firstWriteRuns.countDown();
                releaseFirstWrite.await(10, TimeUnit.SECONDS);
            }
            return written(group);
        }, 64);
        Future<List<GroupCommit.Result<String>>> first = threads.submit(() -> commit.submit(List.of("first/1")));
        assertThat(firstWriteRuns.await(10, TimeUnit.SECONDS)).isTrue();
        List<Future<List<GroupCommit.Result<String>>>> later = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String item = "r" + i + "/1";
            later.add(threads.submit(() -> commit.submit(List.of(item))));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> commit.queued() == 5);
        // None of them may return before its item is written: the first write still holds them back.
        assertThat(later).noneMatch(Future::isDone);

        releaseFirstWrite.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).extracting(GroupCommit.Result::output).containsExactly("written first/1");
        for (int i = 0; i < 5; i++) {
            assertThat(later.get(i).get(10, TimeUnit.SECONDS)).extracting(GroupCommit.Result::output).containsExactly("written r" + i + "/1");
        }
        assertThat(groups).hasSize(2);
        assertThat(groups.get(1)).containsExactlyInAnyOrder("r0/1", "r1/1", "r2/1", "r3/1", "r4/1");
    }

    @Test
    void twoItemsWithOneKeyAreNeverInOneGroupAndKeepTheirOrder() {
        GroupCommit<String, String> commit = commit(GroupCommitTest::written, 64);

        List<GroupCommit.Result<String>> results = commit.submit(List.of("a/1", "b/1", "a/2", "a/3"));

        assertThat(results).extracting(GroupCommit.Result::output)
            .containsExactly("written a/1", "written b/1", "written a/2", "written a/3");
        assertThat(groups).containsExactly(List.of("a/1", "b/1"), List.of("a/2"), List.of("a/3"));
    }

    @Test
    void aGroupHoldsAtMostMaxGroupItems() {
        GroupCommit<String, String> commit = commit(GroupCommitTest::written, 2);

        commit.submit(List.of("a/1", "b/1", "c/1", "d/1", "e/1"));

        assertThat(groups).containsExactly(List.of("a/1", "b/1"), List.of("c/1", "d/1"), List.of("e/1"));
    }

    @Test
    void aFailedWriteFailsEveryItemOfItsGroupAndNoOtherAndTheNextGroupIsWritten() {
        GroupCommit<String, String> commit = commit(group -> {
            if (group.contains("bad/1")) {
                throw new java.sql.SQLException("disk full");
            }
            return written(group);
        }, 2);

        List<GroupCommit.Result<String>> results = commit.submit(List.of("bad/1", "x/1", "y/1"));

        assertThat(results.get(0).failure()).hasMessage("disk full");
        assertThat(results.get(1).failure()).hasMessage("disk full");
        assertThat(results.get(1).output()).isNull();
        assertThat(results.get(2).failure()).isNull();
        assertThat(results.get(2).output()).isEqualTo("written y/1");
    }

    @Test
    void anErrorOutOfTheWriterFailsItsGroupAndDoesNotBlockTheNextCaller() {
        GroupCommit<String, String> commit = commit(group -> {
            if (group.contains("boom/1")) {
                throw new StackOverflowError();
            }
            return written(group);
        }, 64);

        try {
            commit.submit(List.of("boom/1"));
        } catch (StackOverflowError expected) {
            // the caller whose write it was sees the Error itself
        }

        assertThat(commit.submit(List.of("next/1"))).extracting(GroupCommit.Result::output).containsExactly("written next/1");
    }

    @Test
    void aWriterReturningTheWrongNumberOfOutputsFailsTheGroupInsteadOfMisattributingResults() {
        GroupCommit<String, String> commit = commit(group -> List.of("only one"), 64);

        List<GroupCommit.Result<String>> results = commit.submit(List.of("a/1", "b/1"));

        assertThat(results).allSatisfy(r -> assertThat(r.failure()).hasMessageContaining("returned 1 outputs for 2 items"));
    }
}
