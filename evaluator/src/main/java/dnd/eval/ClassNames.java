package dnd.eval;

import java.util.Locale;

/** Item names as the classifier's card spells them: model cards may write "ankle_boot" for "ankle boot". */
public final class ClassNames {

    private ClassNames() {}

    public static String normalise(String item) {
        return item.trim().toLowerCase(Locale.ROOT).replace('_', ' ').replaceAll("\\s+", " ");
    }
}
