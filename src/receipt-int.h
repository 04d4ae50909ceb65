/*
 * receipt-int: what the receipt's files share: the record as the copy shows
 * it (struct receipt_model, gathered by receipt-data.c from the store and
 * the frozen content, every label already in the copy's language and every
 * time already in the kiosk's zone), which receipt.c draws.
 */
#ifndef ISOKIOSK_RECEIPT_INT_H
#define ISOKIOSK_RECEIPT_INT_H

#include "arena.h"
#include "content.h"
#include "i18n.h"
#include "receipt.h"

/*
 * The copy's words: id, msgid (English; locales/<lang>.po translate them). The
 * first one is also the check that the language has a translation.
 */
#define RECEIPT_LABELS(X)                                                      \
	X(RX_TITLE, N_("Consent record: the patient's copy"))                \
	X(RX_CODE, N_("Receipt code"))                                       \
	X(RX_SEC_RECORD, N_("The session"))                                  \
	X(RX_PATIENT, N_("Patient reference"))                               \
	X(RX_PROFILE, N_("Profile"))                                         \
	X(RX_PROFILE_PREG, N_("can become pregnant"))                        \
	X(RX_PROFILE_NOPREG, N_("cannot become pregnant"))                   \
	X(RX_VISIT, N_("Visit"))                                             \
	X(RX_VISIT_FIRST, N_("First visit: consent"))                        \
	X(RX_VISIT_FOLLOW, N_("Follow-up visit"))                            \
	X(RX_MINOR, N_("Minor"))                                             \
	X(RX_MINOR_YES, N_("yes: a guardian signs too"))                     \
	X(RX_NO, N_("no"))                                                   \
	X(RX_LANGUAGE, N_("Language of the session"))                        \
	X(RX_STARTED, N_("Started"))                                         \
	X(RX_ENDED, N_("Ended"))                                             \
	X(RX_OUTCOME, N_("Outcome"))                                         \
	X(RX_OUT_COMPLETED, N_("completed"))                                 \
	X(RX_OUT_STOPPED, N_("stopped: a staff member explains the quiz"))  \
	X(RX_OUT_ABANDONED, N_("abandoned"))                                 \
	X(RX_OUT_TIMED_OUT, N_("timed out"))                                 \
	X(RX_REASON, N_("Reason"))                                           \
	X(RX_KIOSK, N_("Kiosk"))                                             \
	X(RX_STAFF, N_("Staff"))                                             \
	X(RX_NOT_DONE, N_("This session was not completed. This copy shows what was recorded until it ended.")) \
	X(RX_SEC_STMTS, N_("What you confirmed"))                            \
	X(RX_STMTS_NOTE, N_("Each statement exactly as it was shown when you confirmed it.")) \
	X(RX_CONFIRMED, N_("Confirmed"))                                     \
	X(RX_BY_PATIENT, N_("Confirmed by the patient"))                     \
	X(RX_BY_GUARDIAN, N_("Confirmed by the guardian"))                   \
	X(RX_BY_GUARDIAN_NAMED, N_("Confirmed by the guardian, %s"))         \
	X(RX_SEC_QUIZ, N_("Understanding check"))                            \
	X(RX_ATTEMPT, N_("Try"))                                             \
	X(RX_ANSWER, N_("Answer chosen"))                                    \
	X(RX_RESULT, N_("Result"))                                           \
	X(RX_TIME, N_("Time"))                                               \
	X(RX_RIGHT, N_("right"))                                             \
	X(RX_WRONG, N_("wrong"))                                             \
	X(RX_SEC_SIGN, N_("Signatures"))                                     \
	X(RX_ROLE_PATIENT, N_("Patient"))                                    \
	X(RX_ROLE_GUARDIAN, N_("Guardian"))                                  \
	X(RX_MEANING, N_("Meaning"))                                         \
	X(RX_SIGNED, N_("Signed"))                                           \
	X(RX_COUNTERSIGN, N_("Staff countersignature"))                      \
	X(RX_STAFF_ID, N_("Staff ID"))                                       \
	X(RX_NO_SIGN, N_("Not signed."))                                     \
	X(RX_SEC_SEAL, N_("Seal of the record"))                             \
	X(RX_VERSION, N_("Content version"))                                 \
	X(RX_SEAL, N_("Seal"))                                               \
	X(RX_LINK, N_("Place in the chain"))                                 \
	X(RX_CHECKED, N_("This copy was made on %s from the record, after checking that the record matches its seal.")) \
	X(RX_QR_NOTE, N_("For staff: scan the code to open this record."))  \
	X(RX_APPENDIX, N_("Appendix: the screens shown"))                    \
	X(RX_APPENDIX_NOTE, N_("The screens as you were shown them, from the copy kept with the record (content version %s).")) \
	X(RX_SHOWN, N_("Shown for %s"))                                      \
	X(RX_MIN_SEC, N_("%d min %02d s"))                                   \
	X(RX_SECONDS, N_("%d s"))                                            \
	X(RX_NONE, N_("none"))                                               \
	X(RX_PRESCRIBE, N_("Prescription"))                                  \
	X(RX_PRESCRIBE_YES, N_("may be issued"))                             \
	X(RX_PRESCRIBE_BY, N_("Recorded by"))                                \
	X(RX_PRESCRIBE_AT, N_("Recorded"))                                   \
	X(RX_PRESCRIBE_TEST, N_("Pregnancy test it relied on"))              \
	X(RX_NOTHING_KEPT, N_("Nothing was recorded."))                      \
	X(RX_SEC_METHODS, N_("Contraception"))                               \
	X(RX_METHODS_NOTE, N_("The methods you chose as the ones you use now.")) \
	X(RX_METHODS_MET, N_("These methods together are enough for this medicine.")) \
	X(RX_METHODS_NOT_MET, N_("These methods alone are not enough for this medicine. Staff talk with you about which method suits you.")) \
	X(RX_METHODS_NONE, N_("You chose no method.")) \
	X(RX_SEC_MOOD, N_("Mood check"))                                     \
	X(RX_MOOD_NOTE, N_("The answers you chose, as you chose them. This is not a test for an illness: the doctor reads your answers and talks with you about them.")) \
	X(RX_QUESTION, N_("Question"))                                       \
	X(RX_POINTS, N_("Points"))                                           \
	X(RX_MOOD_TOTAL, N_("Total"))                                        \
	X(RX_MOOD_TOTAL_OF, N_("%d (of %d)"))                                \
	X(RX_CHOICE_N, N_("choice %d"))                                      \
	X(RX_SEC_EFFECTS, N_("Changes in your body (side effects)"))         \
	X(RX_EFFECTS_NOTE, N_("What you ticked as happening since your last visit.")) \
	X(RX_EFFECTS_NONE, N_("You ticked nothing."))                        \
	X(RX_CALL_NOW, N_("call the clinic at once"))                        \
	X(RX_SEC_FLAGS, N_("Messages to staff"))                             \
	X(RX_FLAGS_NOTE, N_("The kiosk told staff about these answers, so that they talk with you.")) \
	X(RX_FLAG_URGENT, N_("Urgent"))                                      \
	X(RX_FLAG_STAFF, N_("For staff"))                                    \
	X(RX_FLAG_TOTAL, N_("The total of the mood check"))                  \
	X(RX_FLAG_RAISED, N_("Told staff"))                                  \
	X(RX_FLAG_SEEN, N_("Seen by staff"))                                 \
	X(RX_FLAG_SEEN_AT, N_("Seen at"))                                    \
	X(RX_FLAG_NOT_SEEN, N_("not yet"))                                   \
	X(RX_RESHOWN, N_("Shown again: its wording changed since you last confirmed it."))

#define RX_LABEL_ID(id, msgid) id,
enum receipt_label { RECEIPT_LABELS(RX_LABEL_ID) RX_NLABELS };
#undef RX_LABEL_ID

struct receipt_attempt {
	int attempt;
	const char *choice;      /* as shown */
	bool correct;
	const char *at;          /* local time */
};

struct receipt_question {
	const char *id;
	const struct content_node *prompt; /* from the frozen quiz; NULL if
					      not kept */
	size_t nprompt;
	struct receipt_attempt *v;
	size_t n;
};

struct receipt_stmt {
	const char *text;        /* exactly as acknowledged ('\n' between
				    lines) */
	const char *at;
	bool guardian;           /* addressed to a minor's guardian, who
				    confirmed it (signer: guardian in the
				    frozen consent) */
	bool reshown;            /* a follow-up showed it again: its wording
				    changed (visit answer "reconsent") */
};

/*
 * A text of a follow-up's answer, from the frozen follow-up files: nodes (a
 * method's or a side effect's label, a mood item's prompt) or in (a mood
 * answer's label); when the stored id is not found there, s (the id as
 * stored, or a label). Exactly one is set.
 */
struct receipt_text {
	const struct content_node *nodes;
	size_t n;
	const struct content_inline *in;
	const char *s;
};

/* One answer of a follow-up: a method chosen, a mood item answered, a side
 * effect ticked. */
struct receipt_answer {
	const char *id;          /* the entry's id as stored */
	struct receipt_text text;
	struct receipt_text choice; /* mood: the answer chosen */
	int score;               /* mood: its points */
	bool urgent;             /* a side effect to call about at once (the
				    frozen file's urgent: yes) */
};

/* A flag the follow-up raised for staff, and whether staff saw it. */
struct receipt_flag {
	bool urgent;
	const char *source;      /* label: the part it came from */
	struct receipt_text what;
	const char *at;
	const char *seen_by;     /* staff ID, or the label "not yet" */
	const char *seen_at;     /* NULL: not seen yet */
};

struct receipt_sign {
	const char *role;        /* label */
	const char *name, *meaning, *at;
};

struct receipt_staff {
	const char *staff_id, *at;
};

struct receipt_screen {
	const struct content_doc *doc;
	const char *shown;       /* "Shown for 1 min 12 s" */
};

struct receipt_field {
	const char *label, *value;
};

struct receipt_model {
	struct arena arena;      /* every string below */
	const char *L[RX_NLABELS];
	const char *lang;        /* the labels' */
	const char *content_lang;/* the session's: the record's own texts */
	const char *clinic;      /* NULL when not known */
	char code[16];           /* "1a2b-3c4d" */
	const char *seal, *version;
	int64_t seq;
	const char *qr;          /* "isokiosk:1a2b-3c4d:<seal>" */
	const char *made;        /* RX_CHECKED, filled in */
	bool completed;
	struct receipt_field fields[20];
	size_t nfields;
	struct receipt_stmt *stmts;
	size_t nstmts;
	const char *by_patient;  /* headings when a guardian confirmed some */
	const char *by_guardian; /* statements ("... the guardian, NAME") */
	struct receipt_question *questions;
	size_t nquestions;
	struct receipt_sign *signs;
	size_t nsigns;
	struct receipt_staff *staff;
	size_t nstaff;
	/* A follow-up's answers (followup false: none of these is set) */
	bool followup;
	bool methods_asked;      /* the contraception part is shown */
	const char *methods_verdict; /* label; NULL when nothing recorded */
	struct receipt_answer *methods, *mood, *effects;
	size_t nmethods, nmood, neffects;
	const char *mood_total;  /* "3 (of 15)"; NULL: nothing answered */
	struct receipt_flag *flags;
	size_t nflags;
	struct receipt_screen *screens; /* with_content: the screens shown */
	size_t nscreens;
	const char *appendix_note;

	struct content_doc **docs_; /* owned: the frozen documents parsed */
	size_t ndocs_, capdocs_;
};

/* Gather session id into m (receipt_model_done frees it). 0, or -1 with
 * *err (the refusals of receipt_make). */
int receipt_model_load(struct store *st, int64_t id,
		       const struct receipt_opts *o, struct receipt_model *m,
		       char **err);
void receipt_model_done(struct receipt_model *m);

/* Draw m as a PDF appended to out: 0, or -1 with *err. (receipt.c) */
int receipt_pdf(const struct receipt_model *m, const struct receipt_opts *o,
		struct strbuf *out, char **err);

/* How receipt_pdf_laid lays out an A4 copy's appendix: after the record
 * on this thread, or on a thread of its own beside it (what receipt_pdf
 * does), the copy drawn by whichever half is laid out first, or by the
 * one a test names (the other waits for it). */
enum receipt_lay {
	RECEIPT_LAY_ONE,
	RECEIPT_LAY_BESIDE,
	RECEIPT_LAY_RECORD_FIRST,
	RECEIPT_LAY_APPENDIX_FIRST,
};

/* receipt_pdf, laid out as lay says: the same PDF every way (the unit
 * test compares). */
int receipt_pdf_laid(const struct receipt_model *m,
		     const struct receipt_opts *o, enum receipt_lay lay,
		     struct strbuf *out, char **err);

/*
 * A frozen manifest, read as bundle.c reads a manifest (screen ids, the
 * quiz, the consent, the language's name): enough to put the frozen files
 * in the order the content version hashes them. Strings point into m's
 * arena; screens is arena memory too. Unknown lines are skipped (the
 * version check then fails if they mattered).
 */
struct receipt_manifest {
	const char *language, *quiz, *consent;
	/* the follow-up files, in bundle.h's version order (NULL: none) */
	const char *followup[4]; /* methods, mood, effects, urgent */
	const char **screens;
	size_t nscreens;
};
void receipt_manifest_read(struct arena *a, const char *text, size_t len,
			   struct receipt_manifest *out);

#endif
