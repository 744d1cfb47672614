# Shared by the AWS CLI scenarios (sourced after ENDPOINT is set and checked): a clean CLI
# environment, credentials per account letter, and the check/refused helpers. Every step checks
# its answer, and every refusal checks AWS's error code.
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_DEFAULT_PROFILE AWS_CA_BUNDLE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY || true
export AWS_DEFAULT_REGION=us-east-1
export AWS_DEFAULT_OUTPUT=json
export AWS_CONFIG_FILE=/dev/null
export AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true
export AWS_PAGER=""

command aws --version 2>&1 | grep -q '^aws-cli/1\.' || { echo "expected AWS CLI v1" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

M=111111111111
X=999999999999
declare -A KEY SECRET TOKEN
KEY[M]=$M; SECRET[M]=root-secret; TOKEN[M]=""
KEY[X]=$X; SECRET[X]=root-secret; TOKEN[X]=""

# as WHO aws-args...: one AWS CLI call with WHO's credentials.
as() {
  local who=$1; shift
  AWS_ACCESS_KEY_ID="${KEY[$who]}" AWS_SECRET_ACCESS_KEY="${SECRET[$who]}" \
    AWS_SESSION_TOKEN="${TOKEN[$who]}" command aws --endpoint-url "$ENDPOINT" "$@"
}

fail() { echo "FAILED: $*" >&2; exit 1; }

# check DESCRIPTION JSON JQ-FILTER: the filter must evaluate to true.
check() {
  if ! jq -e "$3" >/dev/null <<<"$2"; then
    echo "FAILED: $1" >&2; echo "filter: $3" >&2; echo "$2" >&2; exit 1
  fi
  echo "ok - $1"
}

# refused DESCRIPTION CODE WHO aws-args...: the call must fail with this AWS error code.
refused() {
  local what=$1 code=$2; shift 2
  local out
  if out=$(as "$@" 2>&1); then
    echo "FAILED: $what: expected $code, the call succeeded" >&2; echo "$out" >&2; exit 1
  fi
  grep -q "An error occurred ($code)" <<<"$out" || { echo "FAILED: $what: expected $code" >&2; echo "$out" >&2; exit 1; }
  echo "ok - refused: $what ($code)"
}

