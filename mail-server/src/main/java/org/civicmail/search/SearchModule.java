package org.civicmail.search;

import java.io.IOException;

import javax.inject.Singleton;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;
import org.apache.lucene.store.FSDirectory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.multibindings.ProvidesIntoSet;

/**
 * Binds CivicMail's text search: the {@link TextIndex} under {@code james/var/search-text}, its rebuild at start and
 * its periodic commit. The mailbox module binds {@link SubstringSearchIndex} as James's search index.
 */
public final class SearchModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(SubstringSearchIndex.class).in(Scopes.SINGLETON);
        bind(TextIndexRebuild.class).in(Scopes.SINGLETON);
        bind(IndexCommitter.class).in(Scopes.SINGLETON);
        bind(SharedContentIndexing.class).in(Scopes.SINGLETON);
    }

    @Provides
    @Singleton
    TextIndex textIndex(FileSystem fileSystem) throws IOException {
        return new TextIndex(FSDirectory.open(fileSystem.getFile("file://var/search-text")));
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
