package org.civicmail.search;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import javax.inject.Singleton;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.multibindings.ProvidesIntoSet;

/**
 * Binds CivicMail's search: the {@link TextIndex} under {@code james/var/search-text}, its rebuild and repair at
 * start, its periodic commit, and the messages kept from append to indexing. The mailbox module binds
 * {@link SubstringSearchIndex} as James's search index.
 */
public final class SearchModule extends AbstractModule {
    private static final Logger LOG = LoggerFactory.getLogger(SearchModule.class);

    @Override
    protected void configure() {
        bind(SubstringSearchIndex.class).in(Scopes.SINGLETON);
        bind(TextIndexRebuild.class).in(Scopes.SINGLETON);
        bind(IndexCommitter.class).in(Scopes.SINGLETON);
        bind(SharedContentIndexing.class).in(Scopes.SINGLETON);
        bind(RecentAppends.class).in(Scopes.SINGLETON);
    }

    @Provides
    @Singleton
    TextIndex textIndex(FileSystem fileSystem) throws IOException {
        removeJamesLuceneIndex(fileSystem.getFile("file://var/search"));
        return new TextIndex(TextIndex.onDisk(fileSystem.getFile("file://var/search-text")));
    }

    /**
     * Data directories from before CivicMail stopped running James's Lucene index beside its own have that index in
     * {@code james/var/search}: nothing reads it any more, so it is removed (it holds message text) at the first start.
     */
    static void removeJamesLuceneIndex(File directory) throws IOException {
        Path dir = directory.toPath();
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> walk = Files.walk(dir)) {
            all = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            Files.delete(p);
        }
        LOG.info("Search index: removed James's former Lucene index {} (SEARCH is answered by the text index and the mailbox store)", dir);
    }

    @ProvidesIntoSet
    InitializationOperation startRebuild(TextIndexRebuild rebuild) {
        return InitilizationOperationBuilder.forClass(TextIndexRebuild.class).init(rebuild::start);
    }

    @ProvidesIntoSet
    InitializationOperation startCommits(IndexCommitter committer) {
        return InitilizationOperationBuilder.forClass(IndexCommitter.class).init(committer::start);
    }
}
