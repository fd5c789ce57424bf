/* Unit tests of core/classify: the "waiting for you" classifier in
 * English, Portuguese and Spanish, and the text-only composer hints, on
 * hand-made messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/classify.h"
#include "core/fingerprint.h"

struct expect {
	const char *text;
	enum cls_kind kind;
	const char *cue;
};

static void check_all(const struct expect *e, size_t n, unsigned flags)
{
	for (size_t i = 0; i < n; i++) {
		struct cls_result r;
		assert_int_equal(cls_classify(e[i].text, strlen(e[i].text), flags, &r), 0);
		if (r.kind != e[i].kind || strcmp(r.cue, e[i].cue))
			fail_msg("\"%s\": got %s (\"%s\"), want %s (\"%s\")", e[i].text,
				 cls_kind_name(r.kind), r.cue, cls_kind_name(e[i].kind), e[i].cue);
	}
}

static void questions(void **state)
{
	(void)state;
	static const struct expect e[] = {
		{"Is this open source?", CLS_QUESTION, "is"},
		{"Nice. Open source?", CLS_QUESTION, "?"},
		{"@bob how do I export my data", CLS_QUESTION, "how"},
		{"Hi Ana, can you share the slides", CLS_QUESTION, "can"},
		{"Anyone know a good café in Lisbon", CLS_QUESTION, "anyone know"},
		{"Great talk. Where is the recording", CLS_QUESTION, "where"},
		{"Alguém sabe onde fica a estação", CLS_QUESTION, "alguem sabe"},
		{"Qual é o horário de amanhã", CLS_QUESTION, "qual"},
		{"Como faço para mudar a senha", CLS_QUESTION, "como"},
		{"Hola, ¿qué tal", CLS_QUESTION, "?"},
		{"¿Dónde está la estación", CLS_QUESTION, "?"},
		{"Alguien sabe si abre el domingo", CLS_QUESTION, "alguien sabe"},
		{"Cuándo es la próxima reunión", CLS_QUESTION, "cuando"},
		/* Not questions: exclamations and statements that open alike. */
		{"What a day.", CLS_OTHER, ""},
		{"How lovely to see you all", CLS_OTHER, ""},
		{"When I was young we walked everywhere", CLS_OTHER, ""},
		{"It is what it is", CLS_OTHER, ""},
		{"Que bom te ver!", CLS_OTHER, ""},
		{"Porque eu quis", CLS_OTHER, ""},
		/* A question mark inside a link asks nothing. */
		{"Notes at https://x.test/page?id=3 for later", CLS_OTHER, ""},
	};
	check_all(e, sizeof e / sizeof e[0], 0);
}

static void criticism(void **state)
{
	(void)state;
	static const struct expect e[] = {
		{"The app doesn’t work since the update", CLS_CRITICISM, "doesnt work"},
		{"Login is BROKEN again", CLS_CRITICISM, "broken"},
		{"Really disappointed with the support", CLS_CRITICISM, "disappointed"},
		{"Why does it keep crashing?", CLS_CRITICISM, "crashing"}, /* over question */
		{"O app NÃO FUNCIONA desde ontem", CLS_CRITICISM, "nao funciona"},
		{"Atendimento péssimo, estou decepcionada", CLS_CRITICISM, "pessimo"},
		{"El pedido no funciona", CLS_CRITICISM, "no funciona"},
		{"Estoy decepcionado con el envío", CLS_CRITICISM, "decepcionado"},
		{"no, it's broken", CLS_CRITICISM, "broken"},
		/* Negated: not criticism. */
		{"It isn't really broken, relax", CLS_OTHER, ""},
		{"Never crashes, works great", CLS_OTHER, ""},
		{"Não está quebrado, sem falha nenhuma", CLS_OTHER, ""},
		{"No es pésimo, no está roto", CLS_OTHER, ""},
		{"Great talk today, thanks everyone", CLS_OTHER, ""},
	};
	check_all(e, sizeof e / sizeof e[0], 0);
	/* Stored HTML classifies like its source. */
	static const struct expect h[] = {
		{"<p><span class=\"h-card\"><a href=\"u\">@<span>shop</span></a></span> "
		 "n&#227;o funciona &amp; ningu&eacute;m</p>",
		 CLS_CRITICISM, "nao funciona"},
		{"<p>Tem como exportar<br>os dados</p>", CLS_QUESTION, "tem como"},
	};
	check_all(h, sizeof h / sizeof h[0], FP_HTML);
	struct cls_result r;
	assert_int_equal(cls_classify("\xC3(", 2, 0, &r), -1);
	assert_int_equal(r.kind, CLS_OTHER);
	assert_string_equal(cls_kind_name(CLS_CRITICISM), "criticism");
}

static unsigned hints_of(const char *text, bool stranger)
{
	struct cls_hints h;
	assert_int_equal(cls_hints(text, strlen(text), 0, stranger, &h), 0);
	return h.codes;
}

static void composer_hints(void **state)
{
	(void)state;
	assert_int_equal(hints_of("Lovely evening at the lake with friends", false), 0);
	assert_int_equal(hints_of("I WON THE CHESS TOURNAMENT TODAY", false), HINT_CAPS);
	/* Link only, or promotion: self_promotion; to a stranger also a pitch. */
	assert_int_equal(hints_of("https://shop.test/new", false), HINT_SELF_PROMOTION);
	assert_int_equal(hints_of("New post: https://blog.test/p", false), HINT_SELF_PROMOTION);
	assert_int_equal(hints_of("I wrote about the trip and the people we met on the way "
				  "https://blog.test/p", false), 0);
	assert_int_equal(hints_of("50% off everything, use code SPRING", false),
			 HINT_SELF_PROMOTION);
	assert_int_equal(hints_of("Big sale today https://shop.test", false), HINT_SELF_PROMOTION);
	assert_int_equal(hints_of("I'd buy that bike if it came in green", false), 0);
	assert_int_equal(hints_of("I'd buy that bike if it came in green", true), 0);
	assert_int_equal(hints_of("Desconto de 30% em tudo, aproveite", true),
			 HINT_SELF_PROMOTION | HINT_COLD_PITCH);
	/* A pitch matters only to a stranger. */
	const char *pitch = "Hi! We help brands grow your audience, book a call with us";
	assert_int_equal(hints_of(pitch, false), 0);
	assert_int_equal(hints_of(pitch, true), HINT_COLD_PITCH);
	assert_int_equal(hints_of("Hola, agenda una llamada y te muestro nuestro producto", true),
			 HINT_COLD_PITCH);
	assert_int_equal(hints_of("Hey, loved your talk on maps, can we chat sometime?", true), 0);
	struct cls_hints h;
	assert_int_equal(cls_hints(pitch, strlen(pitch), 0, true, &h), 0);
	assert_int_equal(h.pitch_hits, 3);
	assert_string_equal(h.pitch_cue, "we help");
	assert_int_equal(cls_hints("\xFF", 1, 0, true, &h), -1);
	assert_int_equal(h.codes, 0);
	for (unsigned bit = 1; bit <= HINT_COLD_PITCH; bit <<= 1)
		assert_non_null(cls_hint_message(bit));
	assert_string_equal(cls_hint_code(HINT_SELF_PROMOTION), "self_promotion");
	assert_null(cls_hint_code(1u << 9));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(questions),
		cmocka_unit_test(criticism),
		cmocka_unit_test(composer_hints),
	};
	return cmocka_run_group_tests_name("classify", tests, NULL, NULL);
}
