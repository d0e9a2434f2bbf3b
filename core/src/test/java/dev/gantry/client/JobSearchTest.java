package dev.gantry.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.job.Job;
import dev.gantry.job.JobFilter;
import dev.gantry.job.JobPage;
import dev.gantry.job.JobState;
import dev.gantry.store.JobStore;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * A search (text or tag) looks at {@link JobStore#SEARCH_WINDOW} ids per page, so a rare match in
 * a big table costs several short pages, each of bounded time, and is still found by following
 * the cursors; filters without search are not windowed.
 */
@ExtendWith(PostgresExtension.class)
class JobSearchTest {
    private static final int JOBS = 2 * JobStore.SEARCH_WINDOW + 20_000;
    private static GantryClient client;

    @BeforeAll
    static void fill(TestDatabase db) {
        db.reset();
        // Job 10 is the only one with the needle, job 11 the only one with the tag, 12 the only discarded one.
        db.execute("INSERT INTO gantry.jobs (queue, kind, args, tags, state, finished_at) "
                + "SELECT 'q', 'k', CASE g WHEN 10 THEN '{\"to\": \"needle@example.com\"}' ELSE '{\"to\": \"hay\"}' END::jsonb, "
                + "CASE g WHEN 11 THEN ARRAY['rare'] ELSE '{}' END, CASE g WHEN 12 THEN 'discarded' ELSE 'available' END, "
                + "CASE g WHEN 12 THEN now() END FROM generate_series(1, " + JOBS + ") g");
        client = db.client().client();
    }

    @Test
    void aRareTextMatchIsFoundByFollowingShortPages() {
        List<JobPage> pages = follow(JobFilter.all().withText("needle"));

        assertThat(pages).hasSize(3);
        assertThat(pages.get(0).jobs()).isEmpty();
        assertThat(pages.get(0).nextCursor()).isEqualTo(JOBS + 1 - JobStore.SEARCH_WINDOW);
        assertThat(pages.get(1).jobs()).isEmpty();
        assertThat(pages.getLast().jobs()).extracting(Job::id).containsExactly(10L);
        assertThat(pages.getLast().nextCursor()).as("the window reached the oldest job").isNull();
    }

    @Test
    void aRareTagIsFoundTheSameWay() {
        List<JobPage> pages = follow(JobFilter.all().withTag("rare"));

        assertThat(pages.stream().flatMap(p -> p.jobs().stream()).map(Job::id)).containsExactly(11L);
    }

    @Test
    void aCommonMatchFillsTheFirstPage() {
        JobPage page = client.list(JobFilter.all().withText("hay").withLimit(3));

        assertThat(page.jobs()).extracting(Job::id).containsExactly((long) JOBS, JOBS - 1L, JOBS - 2L);
        assertThat(page.nextCursor()).isEqualTo(JOBS - 2L);
    }

    @Test
    void filtersWithoutSearchAreNotWindowed() {
        JobPage page = client.list(JobFilter.all().withStates(JobState.DISCARDED));

        assertThat(page.jobs()).extracting(Job::id).containsExactly(12L);
        assertThat(page.nextCursor()).isNull();
    }

    private static List<JobPage> follow(JobFilter filter) {
        List<JobPage> pages = new ArrayList<>();
        Long cursor = null;
        do {
            JobPage page = client.list(filter.withCursor(cursor));
            pages.add(page);
            cursor = page.nextCursor();
        } while (cursor != null && pages.size() < 10);
        return pages;
    }
}
