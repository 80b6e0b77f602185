package org.civicmail.broadcast.input;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.civicmail.broadcast.BroadcastRefusedException;
import org.civicmail.broadcast.BroadcastRefusedException.Reason;
import org.civicmail.account.AccountClass;

/**
 * Who a notice goes to: {@code all-citizens}, {@code all-legal-entities}, citizens carrying any of some tags
 * ({@code tag:西湖区,tag:上城区}), or explicit addresses and resident ID numbers ({@code a@x,330106...}).
 */
public record Audience(Type type, List<String> tags, List<String> members) {
    public enum Type { ALL_CITIZENS, ALL_LEGAL_ENTITIES, TAGGED_CITIZENS, EXPLICIT }

    public Audience {
        tags = List.copyOf(tags);
        members = List.copyOf(members);
    }

    public static Audience parse(String spec) {
        String s = spec == null ? "" : spec.trim();
        if (s.isEmpty()) {
            throw new BroadcastRefusedException(Reason.BAD_INPUT, "--to is empty; use all-citizens, all-legal-entities, "
                + "tag:DISTRICT[,tag:...] or a comma-separated list of addresses / resident ID numbers");
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("all-citizens")) {
            return new Audience(Type.ALL_CITIZENS, List.of(), List.of());
        }
        if (lower.equals("all-legal-entities")) {
            return new Audience(Type.ALL_LEGAL_ENTITIES, List.of(), List.of());
        }
        List<String> tags = new ArrayList<>();
        List<String> members = new ArrayList<>();
        for (String item : s.split("[,，;\\s]+")) {
            if (item.isEmpty()) {
                continue;
            }
            if (item.regionMatches(true, 0, "tag:", 0, 4)) {
                String tag = item.substring(4).trim();
                if (tag.isEmpty()) {
                    throw new BroadcastRefusedException(Reason.BAD_INPUT, "--to " + spec + ": 'tag:' needs a tag name, e.g. tag:西湖区");
                }
                tags.add(tag);
            } else {
                members.add(item);
            }
        }
        if (!tags.isEmpty() && !members.isEmpty()) {
            throw new BroadcastRefusedException(Reason.BAD_INPUT, "--to " + spec + " mixes tags and addresses; send two broadcasts");
        }
        return tags.isEmpty() ? new Audience(Type.EXPLICIT, List.of(), members) : new Audience(Type.TAGGED_CITIZENS, tags, List.of());
    }

    public AccountClass accountClass() {
        return type == Type.ALL_LEGAL_ENTITIES ? AccountClass.LEGAL_ENTITY : AccountClass.CITIZEN;
    }

    /** How it reads in status output and evidence. */
    public String describe() {
        return switch (type) {
            case ALL_CITIZENS -> "all-citizens";
            case ALL_LEGAL_ENTITIES -> "all-legal-entities";
            case TAGGED_CITIZENS -> "tag:" + String.join(",tag:", tags);
            case EXPLICIT -> members.size() + " listed recipient(s)";
        };
    }
}
