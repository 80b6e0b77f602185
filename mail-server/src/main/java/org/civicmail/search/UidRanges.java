package org.civicmail.search;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.SearchQuery.UidRange;

/** A sorted set of UIDs as the fewest ranges (runs of consecutive UIDs); none for an empty set, which matches nothing. */
final class UidRanges {
    private UidRanges() {
    }

    static UidRange[] of(SortedSet<Long> uids) {
        List<UidRange> ranges = new ArrayList<>();
        long low = -1;
        long high = -1;
        for (long uid : uids) {
            if (low >= 0 && uid == high + 1) {
                high = uid;
                continue;
            }
            if (low >= 0) {
                ranges.add(new UidRange(MessageUid.of(low), MessageUid.of(high)));
            }
            low = uid;
            high = uid;
        }
        if (low >= 0) {
            ranges.add(new UidRange(MessageUid.of(low), MessageUid.of(high)));
        }
        return ranges.toArray(UidRange[]::new);
    }
}
