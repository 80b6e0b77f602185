package org.civicmail.broadcast.input;

import java.util.List;
import java.util.function.Consumer;

import org.civicmail.broadcast.input.BroadcastPlan.Recipient;

/** Recipients the request itself lists (addresses given with --to, the rows of a data file): already in memory. */
public record ListedRecipients(List<Recipient> list) implements Recipients {
    public ListedRecipients {
        list = List.copyOf(list);
    }

    @Override
    public int count() {
        return list.size();
    }

    @Override
    public Recipient first() {
        return list.get(0);
    }

    @Override
    public void forEach(Consumer<Recipient> each) {
        list.forEach(each);
    }
}
