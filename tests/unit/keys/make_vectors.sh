#!/bin/sh
# Makes tests/unit/sig_vectors.inc: HTTP signatures over fixed requests,
# computed by the openssl command line (not by the code under test) with
# test_rsa.pem, a key made once for the tests and used nowhere else:
#   openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out test_rsa.pem
# RSASSA-PKCS1-v1_5 is deterministic, so the signer's output must equal
# these too. Run from this directory; the output is checked in.
set -eu
KEY=test_rsa.pem
KEYID="https://remote.test/users/bob#main-key"
DATE="Tue, 07 Jun 2022 20:51:35 GMT"
CREATED=1654635095
BODY='{"@context":"https://www.w3.org/ns/activitystreams","id":"https://remote.test/users/bob/statuses/1/activity","type":"Create","actor":"https://remote.test/users/bob"}'

sign() { printf '%s' "$1" | openssl dgst -sha256 -sign "$KEY" | base64 -w0; }
digest() { printf '%s' "$BODY" | openssl dgst -sha256 -binary | base64 -w0; }
cstr() { printf '%s' "$2" | sed 's/\\/\\\\/g; s/"/\\"/g' | awk -v n="$1" 'BEGIN{printf "static const char %s[] =\n", n} {printf "\t\"%s\\n\"\n", $0} END{}' | sed '$ s/\\n"$/"/'; echo ";"; }

D=$(digest)
# 1. draft-cavage POST as Rapport signs it.
S1="(request-target): post /users/alice/inbox
host: rapport.test
date: $DATE
digest: SHA-256=$D
content-type: application/activity+json"
# 2. draft-cavage POST in Mastodon 4.7's order, algorithm hs2019.
S2="host: rapport.test
date: $DATE
content-type: application/activity+json
digest: SHA-256=$D
(request-target): post /users/alice/inbox"
# 3. draft-cavage GET with the query string in (request-target).
S3="(request-target): get /users/alice/outbox?page=true
host: rapport.test
date: $DATE"
# 4. draft-cavage GET signed without the query string.
S4="(request-target): get /users/alice/outbox
host: rapport.test
date: $DATE"
# 5. RFC 9421 POST.
CD="sha-256=:$D:"
P5="(\"@method\" \"@target-uri\" \"@authority\" \"content-digest\");created=$CREATED;keyid=\"$KEYID\";alg=\"rsa-v1_5-sha256\""
S5="\"@method\": POST
\"@target-uri\": https://rapport.test/users/alice/inbox
\"@authority\": rapport.test
\"content-digest\": $CD
\"@signature-params\": $P5"
# 6. RFC 9421 GET by @authority and @path.
P6="(\"@method\" \"@authority\" \"@path\");created=$CREATED;keyid=\"$KEYID\""
S6="\"@method\": GET
\"@authority\": rapport.test
\"@path\": /users/alice/outbox
\"@signature-params\": $P6"

{
	echo "/* Made by tests/unit/keys/make_vectors.sh with the openssl command line. */"
	echo "#define V_KEYID \"$KEYID\""
	echo "#define V_DATE \"$DATE\""
	echo "#define V_CREATED $CREATED"
	cstr V_BODY "$BODY"
	echo "#define V_DIGEST \"SHA-256=$D\""
	echo "#define V_CONTENT_DIGEST \"$CD\""
	cstr V_PRIVATE_PEM "$(cat test_rsa.pem)"
	cstr V_PUBLIC_PEM "$(cat test_rsa.pub.pem)"
	cstr V_OTHER_PEM "$(cat other_rsa.pub.pem)"
	cstr V_PUBLIC_PKCS1 "$(openssl rsa -pubin -in test_rsa.pub.pem -RSAPublicKey_out 2>/dev/null)"
	cstr V_BASE1 "$S1"
	echo "#define V_SIG1 \"$(sign "$S1")\""
	echo "#define V_SIG2 \"$(sign "$S2")\""
	echo "#define V_SIG3 \"$(sign "$S3")\""
	echo "#define V_SIG4 \"$(sign "$S4")\""
	cstr V_BASE5 "$S5"
	echo "#define V_INPUT5 \"sig1=$(printf '%s' "$P5" | sed 's/"/\\"/g')\""
	echo "#define V_SIG5 \"sig1=:$(sign "$S5"):\""
	echo "#define V_INPUT6 \"sig1=$(printf '%s' "$P6" | sed 's/"/\\"/g')\""
	echo "#define V_SIG6 \"sig1=:$(sign "$S6"):\""
} >../sig_vectors.inc
