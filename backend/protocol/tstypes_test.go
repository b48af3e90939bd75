package protocol_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/dockpulse/dockpulse/backend/logs"
	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/protocol"
)

// typesFile is the frontend's hand-written mirror of the wire types.
const typesFile = "../../frontend/src/live/types.ts"

// wireTypes maps every Go type that goes over the wire to the TypeScript
// interface that mirrors it in typesFile.
var wireTypes = map[reflect.Type]string{
	reflect.TypeFor[protocol.Envelope]():      "Envelope",
	reflect.TypeFor[protocol.Hello]():         "Hello",
	reflect.TypeFor[protocol.Snapshot]():      "Snapshot",
	reflect.TypeFor[protocol.StatsBatch]():    "StatsBatch",
	reflect.TypeFor[protocol.Heartbeat]():     "Heartbeat",
	reflect.TypeFor[protocol.EngineRemove]():  "EngineRemove",
	reflect.TypeFor[protocol.EngineContext](): "EngineContext",
	reflect.TypeFor[protocol.View]():          "View",
	reflect.TypeFor[protocol.History]():       "ContainerHistory",
	reflect.TypeFor[model.Key]():              "ContainerKey",
	reflect.TypeFor[model.Container]():        "Container",
	reflect.TypeFor[model.Port]():             "Port",
	reflect.TypeFor[model.Mount]():            "Mount",
	reflect.TypeFor[model.Stats]():            "Stats",
	reflect.TypeFor[model.EngineStatus]():     "EngineStatus",
	reflect.TypeFor[model.EngineInfo]():       "EngineInfo",
	reflect.TypeFor[model.Event]():            "DockerEvent",
	reflect.TypeFor[model.Inspect]():          "Inspect",
	reflect.TypeFor[model.EnvVar]():           "EnvVar",
	reflect.TypeFor[model.NetworkLink]():      "NetworkLink",
	reflect.TypeFor[model.Limits]():           "Limits",
	reflect.TypeFor[model.Healthcheck]():      "Healthcheck",
	reflect.TypeFor[model.HealthResult]():     "HealthResult",
	reflect.TypeFor[protocol.LogsHello]():     "LogHello",
	reflect.TypeFor[protocol.LogsContainer](): "LogContainer",
	reflect.TypeFor[protocol.LogsLines]():     "LogBatch",
	reflect.TypeFor[protocol.LogsSkipped]():   "LogSkipped",
	reflect.TypeFor[protocol.LogsState]():     "LogState",
	reflect.TypeFor[logs.Line]():              "LogLine",
	reflect.TypeFor[logs.Page]():              "LogPage",
	reflect.TypeFor[logs.LastWords]():         "LastWords",
	reflect.TypeFor[logs.Query]():             "LogQuery",
}

// messageData is the data of each message type, as the server and store
// encode it (docs/protocol.md).
var messageData = map[string]reflect.Type{
	protocol.TypeHello:           reflect.TypeFor[protocol.Hello](),
	protocol.TypeSnapshot:        reflect.TypeFor[protocol.Snapshot](),
	protocol.TypeContainerUpsert: reflect.TypeFor[model.Container](),
	protocol.TypeContainerRemove: reflect.TypeFor[protocol.ContainerRemove](),
	protocol.TypeStats:           reflect.TypeFor[protocol.StatsBatch](),
	protocol.TypeEvent:           reflect.TypeFor[model.Event](),
	protocol.TypeEngine:          reflect.TypeFor[model.EngineInfo](),
	protocol.TypeEngineRemove:    reflect.TypeFor[protocol.EngineRemove](),
	protocol.TypeHeartbeat:       reflect.TypeFor[protocol.Heartbeat](),
	protocol.TypeView:            reflect.TypeFor[protocol.View](),
	protocol.TypeLogsHello:       reflect.TypeFor[protocol.LogsHello](),
	protocol.TypeLogsLines:       reflect.TypeFor[protocol.LogsLines](),
	protocol.TypeLogsSkipped:     reflect.TypeFor[protocol.LogsSkipped](),
	protocol.TypeLogsState:       reflect.TypeFor[protocol.LogsState](),
}

// apiData are the answers of the HTTP API (and the bound methods) that no
// message carries: fetched on demand, outside the stream
// (GET /api/engines/{engine}/containers/{id}/history and …/inspect, GET
// /api/contexts, the logs pages and last words, and the bound Logs method's
// query).
var apiData = []reflect.Type{reflect.TypeFor[protocol.History](), reflect.TypeFor[model.Inspect](), reflect.TypeFor[protocol.EngineContext](),
	reflect.TypeFor[logs.Page](), reflect.TypeFor[logs.LastWords](), reflect.TypeFor[logs.Query]()}

// TestTypeScriptTypesMatchGo checks typesFile against the Go wire types, so
// that a renamed, added or dropped field cannot drift on one side. For each
// Go type and its interface:
//
//   - the TypeScript field names are exactly the JSON names (embedded
//     structs flattened, as encoding/json does; `extends` followed);
//   - a field is optional (`?`) exactly where Go may leave it out
//     (omitempty); every other field is always sent;
//   - each field's type fits the Go one: number for integers and floats,
//     string (or string literals) for strings, boolean, `T[]` for slices,
//     `Record<string, T>` for maps, and for a struct the interface mapped to
//     it. Go sends a nil slice or map as null; the interfaces describe
//     messages after protocol.ts has turned those into empty values, so a
//     list is `T[]`, not `T[] | null`.
//
// Every message type has its data type mapped, every struct reachable from
// those and from the answers is mapped, and each `Envelope<'type', Data>`
// alias in typesFile pairs a message type with the interface of its data.
func TestTypeScriptTypesMatchGo(t *testing.T) {
	src, err := os.ReadFile(typesFile)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := parseTS(string(src))
	if err != nil {
		t.Fatalf("%s: %v", typesFile, err)
	}
	for _, problem := range checkWireTypes(t, ts) {
		t.Error(problem)
	}
}

// checkWireTypes returns every way ts departs from the Go types.
func checkWireTypes(t *testing.T, ts *tsFile) []string {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	// Every message type has its data type.
	for _, name := range messageTypeConstants(t) {
		if _, ok := messageData[name]; !ok {
			bad("message type %q has no data type in messageData", name)
		}
	}

	// Every struct on the wire is mapped, and every mapping is on the wire.
	reachable := map[reflect.Type]bool{}
	collectStructs(reflect.TypeFor[protocol.Envelope](), reachable)
	for _, typ := range messageData {
		collectStructs(typ, reachable)
	}
	for _, typ := range apiData {
		collectStructs(typ, reachable)
	}
	for typ := range reachable {
		if _, ok := wireTypes[typ]; !ok {
			bad("Go wire type %v has no TypeScript interface in wireTypes", typ)
		}
	}
	for typ, name := range wireTypes {
		if !reachable[typ] {
			bad("wireTypes maps %v (%s), which no message carries", typ, name)
		}
	}

	// Each mapped pair agrees field by field.
	for _, typ := range sortedTypes(wireTypes) {
		name := wireTypes[typ]
		iface, ok := ts.interfaces[name]
		if !ok {
			bad("%v: no interface %s in %s", typ, name, typesFile)
			continue
		}
		tsFields, err := ts.fields(name)
		if err != nil {
			bad("%s: %v", name, err)
			continue
		}
		goFields := jsonFields(typ)
		for _, f := range goFields {
			tf, ok := tsFields[f.name]
			if !ok {
				bad("%s.%s (%v.%s) is missing in %s", name, f.name, typ, f.goName, typesFile)
				continue
			}
			if f.typ.Kind() == reflect.Pointer && !f.omitempty {
				bad("%s.%s (%v.%s): a pointer without omitempty would send null", name, f.name, typ, f.goName)
			}
			if tf.optional != f.omitempty {
				bad("%s.%s: optional in TypeScript %v, omitempty in Go %v", name, f.name, tf.optional, f.omitempty)
			}
			if err := ts.fits(f.typ, tf.typ, iface.params); err != nil {
				bad("%s.%s: %v", name, f.name, err)
			}
		}
		for fname := range tsFields {
			if !slices.ContainsFunc(goFields, func(f goField) bool { return f.name == fname }) {
				bad("%s.%s is not a JSON field of %v", name, fname, typ)
			}
		}
	}

	// The message aliases pair each type with its data.
	aliased := map[string]bool{}
	for alias, a := range ts.aliases {
		ref := a.typ
		if ref.kind != tsName || ref.name != "Envelope" {
			continue
		}
		if len(ref.args) != 2 || ref.args[0].kind != tsString || ref.args[1].kind != tsName {
			bad("%s: want Envelope<'type', Data>", alias)
			continue
		}
		msgType, data := ref.args[0].name, ref.args[1].name
		aliased[msgType] = true
		goData, ok := messageData[msgType]
		if !ok {
			bad("%s: message type %q is not one of Go's", alias, msgType)
			continue
		}
		if want := wireTypes[goData]; data != want {
			bad("%s: data %s, want %s (Go %v)", alias, data, want, goData)
		}
	}
	for msgType := range messageData {
		if !aliased[msgType] {
			bad("message type %q has no Envelope<%q, ...> alias in %s", msgType, msgType, typesFile)
		}
	}
	sort.Strings(problems)
	return problems
}

// messageTypeConstants lists the values of protocol.go's Type* constants.
func messageTypeConstants(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "protocol.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if !strings.HasPrefix(n.Name, "Type") || i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Fatalf("constant %s is not a string literal", n.Name)
				}
				out = append(out, strings.Trim(lit.Value, `"`))
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no Type* constants in protocol.go")
	}
	return out
}

var rawMessage = reflect.TypeFor[json.RawMessage]()

// collectStructs adds every struct type reachable from typ's JSON fields.
func collectStructs(typ reflect.Type, into map[reflect.Type]bool) {
	switch typ.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		if typ != rawMessage {
			collectStructs(typ.Elem(), into)
		}
	case reflect.Struct:
		if into[typ] {
			return
		}
		into[typ] = true
		for i := range typ.NumField() {
			if f := typ.Field(i); f.IsExported() && f.Tag.Get("json") != "-" {
				collectStructs(f.Type, into)
			}
		}
	}
}

func sortedTypes(m map[reflect.Type]string) []reflect.Type {
	out := make([]reflect.Type, 0, len(m))
	for typ := range m {
		out = append(out, typ)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

type goField struct {
	name, goName string
	typ          reflect.Type
	omitempty    bool
}

// jsonFields lists a struct's JSON fields as encoding/json names them,
// embedded structs without a tag flattened into their parent.
func jsonFields(typ reflect.Type) []goField {
	var out []goField
	for i := range typ.NumField() {
		f := typ.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, goField{name: name, goName: f.Name, typ: f.Type, omitempty: slices.Contains(strings.Split(opts, ","), "omitempty")})
	}
	return out
}

// fits reports whether the TypeScript type tt can hold what Go encodes for
// goType; params are the type parameters in scope.
func (ts *tsFile) fits(goType reflect.Type, tt *tsType, params map[string]*tsType) error {
	mismatch := func(want string) error {
		return fmt.Errorf("Go %v is %s, TypeScript has %s", goType, want, tt)
	}
	// A type parameter stands for its constraint; one without a
	// constraint holds anything, as a raw message does.
	if tt.kind == tsName && len(tt.args) == 0 {
		if c, isParam := params[tt.name]; isParam {
			if c == nil {
				if goType == rawMessage {
					return nil
				}
				return mismatch("not raw JSON")
			}
			return ts.fits(goType, c, params)
		}
	}
	if goType == rawMessage {
		if tt.kind == tsName && tt.name == "unknown" {
			return nil
		}
		return mismatch("raw JSON (unknown or an unconstrained type parameter)")
	}
	switch goType.Kind() {
	case reflect.String:
		if !ts.is(tt, params, "string") {
			return mismatch("a string")
		}
	case reflect.Bool:
		if !ts.is(tt, params, "boolean") {
			return mismatch("a boolean")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		if !ts.is(tt, params, "number") {
			return mismatch("a number")
		}
	case reflect.Slice, reflect.Array:
		if tt.kind != tsArray {
			return mismatch("a list")
		}
		return ts.fits(goType.Elem(), tt.elem, params)
	case reflect.Map:
		if goType.Key().Kind() != reflect.String || tt.kind != tsName || tt.name != "Record" || len(tt.args) != 2 || !ts.is(tt.args[0], params, "string") {
			return mismatch("a map with string keys, Record<string, T>")
		}
		return ts.fits(goType.Elem(), tt.args[1], params)
	case reflect.Pointer:
		// A nil pointer is null unless omitempty leaves it out, and the
		// field loop checks that it is optional exactly then.
		return ts.fits(goType.Elem(), tt, params)
	case reflect.Struct:
		want, ok := wireTypes[goType]
		if !ok {
			return fmt.Errorf("Go %v has no TypeScript interface", goType)
		}
		if tt.kind != tsName || tt.name != want || len(tt.args) != 0 {
			return mismatch(want)
		}
	default:
		return fmt.Errorf("Go %v: kind %v has no TypeScript rule here", goType, goType.Kind())
	}
	return nil
}

// is reports whether tt is, after aliases, the primitive prim: the name
// itself, a literal of it, `typeof` a constant of it, or a union of those.
func (ts *tsFile) is(tt *tsType, params map[string]*tsType, prim string) bool {
	switch tt.kind {
	case tsString:
		return prim == "string"
	case tsNumber:
		return prim == "number"
	case tsTypeof:
		c, ok := ts.consts[tt.name]
		return ok && c == prim
	case tsUnion:
		for _, alt := range tt.alts {
			if !ts.is(alt, params, prim) {
				return false
			}
		}
		return true
	case tsName:
		if len(tt.args) != 0 {
			return false
		}
		if tt.name == prim {
			return true
		}
		if c, isParam := params[tt.name]; isParam {
			return c != nil && ts.is(c, params, prim)
		}
		if a, ok := ts.aliases[tt.name]; ok && len(a.params) == 0 {
			return ts.is(a.typ, nil, prim)
		}
	}
	return false
}

// The parser below reads the subset of TypeScript typesFile uses and
// refuses anything else, so that a construct it does not know fails the
// test rather than passing unchecked: `export const NAME = literal`,
// `[export] interface Name<Params> extends A, B { field?: Type }` and
// `export type Name<Params> = Type`, where a Type is a name with type
// arguments, a string or number literal, `typeof NAME`, an object literal,
// a parenthesised type, a union (`|`), and the postfixes `[]` and
// `['key']`.

type tsFile struct {
	consts     map[string]string // name -> "number" or "string"
	interfaces map[string]*tsInterface
	aliases    map[string]*tsAlias
}

type tsInterface struct {
	params  map[string]*tsType // type parameter -> constraint (nil: none)
	extends []*tsType
	fields  []tsField
}

type tsAlias struct {
	params map[string]*tsType
	typ    *tsType
}

type tsField struct {
	name     string
	optional bool
	typ      *tsType
}

type tsKind int

const (
	tsName   tsKind = iota // name, args
	tsString               // a string literal, its value in name
	tsNumber               // a number literal
	tsTypeof               // typeof name
	tsArray                // elem[]
	tsIndex                // elem['name']
	tsUnion                // alts
	tsObject               // { fields }
)

type tsType struct {
	kind   tsKind
	name   string
	args   []*tsType
	elem   *tsType
	alts   []*tsType
	fields []tsField
}

func (t *tsType) String() string {
	switch t.kind {
	case tsString:
		return "'" + t.name + "'"
	case tsNumber:
		return t.name
	case tsTypeof:
		return "typeof " + t.name
	case tsArray:
		return t.elem.String() + "[]"
	case tsIndex:
		return t.elem.String() + "['" + t.name + "']"
	case tsUnion:
		var s []string
		for _, a := range t.alts {
			s = append(s, a.String())
		}
		return strings.Join(s, " | ")
	case tsObject:
		return "{...}"
	}
	if len(t.args) == 0 {
		return t.name
	}
	var s []string
	for _, a := range t.args {
		s = append(s, a.String())
	}
	return t.name + "<" + strings.Join(s, ", ") + ">"
}

// fields returns an interface's fields with those of the interfaces it
// extends.
func (ts *tsFile) fields(name string) (map[string]tsField, error) {
	iface, ok := ts.interfaces[name]
	if !ok {
		return nil, fmt.Errorf("no interface %s", name)
	}
	out := map[string]tsField{}
	for _, ext := range iface.extends {
		if ext.kind != tsName || len(ext.args) != 0 {
			return nil, fmt.Errorf("extends %s: only plain interface names are supported", ext)
		}
		inherited, err := ts.fields(ext.name)
		if err != nil {
			return nil, err
		}
		for k, v := range inherited {
			out[k] = v
		}
	}
	for _, f := range iface.fields {
		if _, dup := out[f.name]; dup {
			return nil, fmt.Errorf("field %s declared twice", f.name)
		}
		out[f.name] = f
	}
	return out, nil
}

type tsToken struct {
	kind byte // 'i' identifier, 's' string, 'n' number, 'p' punctuation
	text string
	line int
}

// tokenize splits TypeScript source into tokens, dropping comments.
func tokenize(src string) ([]tsToken, error) {
	var toks []tsToken
	line := 1
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case strings.HasPrefix(src[i:], "//"):
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, fmt.Errorf("line %d: unterminated comment", line)
			}
			line += strings.Count(src[i:i+2+end], "\n")
			i += end + 4
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(src) && src[j] != c {
				if src[j] == '\\' || src[j] == '\n' {
					return nil, fmt.Errorf("line %d: escapes and line breaks in strings are not supported", line)
				}
				j++
			}
			if j == len(src) {
				return nil, fmt.Errorf("line %d: unterminated string", line)
			}
			toks = append(toks, tsToken{'s', src[i+1 : j], line})
			i = j + 1
		case c == '_' || c == '$' || unicode.IsLetter(rune(c)):
			j := i
			for j < len(src) && (src[j] == '_' || src[j] == '$' || unicode.IsLetter(rune(src[j])) || unicode.IsDigit(rune(src[j]))) {
				j++
			}
			toks = append(toks, tsToken{'i', src[i:j], line})
			i = j
		case unicode.IsDigit(rune(c)):
			j := i
			for j < len(src) && (unicode.IsDigit(rune(src[j])) || src[j] == '.' || src[j] == '_') {
				j++
			}
			toks = append(toks, tsToken{'n', src[i:j], line})
			i = j
		case strings.ContainsRune("{}()[]<>:;,|?=", rune(c)):
			toks = append(toks, tsToken{'p', string(c), line})
			i++
		default:
			return nil, fmt.Errorf("line %d: unexpected %q", line, c)
		}
	}
	return toks, nil
}

type tsParser struct {
	toks []tsToken
	pos  int
}

func (p *tsParser) peek() tsToken {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return tsToken{kind: 0, text: "end of file"}
}

func (p *tsParser) next() tsToken {
	t := p.peek()
	p.pos++
	return t
}

func (p *tsParser) is(text string) bool {
	t := p.peek()
	return (t.kind == 'p' || t.kind == 'i') && t.text == text
}

func (p *tsParser) accept(text string) bool {
	if p.is(text) {
		p.pos++
		return true
	}
	return false
}

func (p *tsParser) expect(text string) error {
	if !p.accept(text) {
		t := p.peek()
		return fmt.Errorf("line %d: want %q, got %q", t.line, text, t.text)
	}
	return nil
}

func (p *tsParser) ident() (string, error) {
	t := p.next()
	if t.kind != 'i' {
		return "", fmt.Errorf("line %d: want a name, got %q", t.line, t.text)
	}
	return t.text, nil
}

func parseTS(src string) (*tsFile, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	p := &tsParser{toks: toks}
	ts := &tsFile{consts: map[string]string{}, interfaces: map[string]*tsInterface{}, aliases: map[string]*tsAlias{}}
	declared := map[string]bool{}
	declare := func(name string) error {
		if declared[name] {
			return fmt.Errorf("%s declared twice", name)
		}
		declared[name] = true
		return nil
	}
	for p.pos < len(p.toks) {
		exported := p.accept("export")
		var name string
		switch {
		case exported && p.accept("const"):
			name, err = p.constDecl(ts)
		case p.accept("interface"):
			name, err = p.interfaceDecl(ts)
		case exported && p.accept("type"):
			name, err = p.typeDecl(ts)
		default:
			t := p.peek()
			return nil, fmt.Errorf("line %d: unsupported statement at %q", t.line, t.text)
		}
		if err == nil {
			err = declare(name)
		}
		if err != nil {
			return nil, err
		}
		p.accept(";")
	}
	return ts, nil
}

// constDecl reads NAME = literal, after `export const`.
func (p *tsParser) constDecl(ts *tsFile) (string, error) {
	name, err := p.ident()
	if err != nil {
		return "", err
	}
	if err := p.expect("="); err != nil {
		return "", err
	}
	switch v := p.next(); v.kind {
	case 'n':
		ts.consts[name] = "number"
	case 's':
		ts.consts[name] = "string"
	default:
		return "", fmt.Errorf("line %d: const %s: only literals are supported", v.line, name)
	}
	return name, nil
}

// interfaceDecl reads Name<Params> extends A, B { fields }, after
// `interface`.
func (p *tsParser) interfaceDecl(ts *tsFile) (string, error) {
	name, params, err := p.nameAndParams()
	if err != nil {
		return "", err
	}
	iface := &tsInterface{params: params}
	if p.accept("extends") {
		if iface.extends, err = commaSeparated(p, p.postfix); err != nil {
			return "", err
		}
	}
	if iface.fields, err = p.objectBody(); err != nil {
		return "", err
	}
	ts.interfaces[name] = iface
	return name, nil
}

// typeDecl reads Name<Params> = Type, after `export type`.
func (p *tsParser) typeDecl(ts *tsFile) (string, error) {
	name, params, err := p.nameAndParams()
	if err != nil {
		return "", err
	}
	if err := p.expect("="); err != nil {
		return "", err
	}
	typ, err := p.union()
	if err != nil {
		return "", err
	}
	ts.aliases[name] = &tsAlias{params: params, typ: typ}
	return name, nil
}

// nameAndParams reads a declaration's name and its type parameters.
func (p *tsParser) nameAndParams() (string, map[string]*tsType, error) {
	name, err := p.ident()
	if err != nil {
		return "", nil, err
	}
	params, err := p.typeParams()
	return name, params, err
}

// typeParams reads an optional <A extends C, B>.
func (p *tsParser) typeParams() (map[string]*tsType, error) {
	params := map[string]*tsType{}
	if !p.accept("<") {
		return params, nil
	}
	_, err := commaSeparated(p, func() (string, error) {
		name, err := p.ident()
		if err != nil {
			return "", err
		}
		var constraint *tsType
		if p.accept("extends") {
			if constraint, err = p.union(); err != nil {
				return "", err
			}
		}
		params[name] = constraint
		return name, nil
	})
	if err != nil {
		return nil, err
	}
	return params, p.expect(">")
}

// commaSeparated reads one item or more, separated by commas.
func commaSeparated[T any](p *tsParser, item func() (T, error)) ([]T, error) {
	var out []T
	for {
		v, err := item()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		if !p.accept(",") {
			return out, nil
		}
	}
}

// objectBody reads { name?: Type; ... }, separators optional.
func (p *tsParser) objectBody() ([]tsField, error) {
	if err := p.expect("{"); err != nil {
		return nil, err
	}
	var fields []tsField
	seen := map[string]bool{}
	for !p.accept("}") {
		name, err := p.ident()
		if err != nil {
			return nil, err
		}
		if seen[name] {
			return nil, fmt.Errorf("field %s declared twice", name)
		}
		seen[name] = true
		f := tsField{name: name, optional: p.accept("?")}
		if err := p.expect(":"); err != nil {
			return nil, err
		}
		if f.typ, err = p.union(); err != nil {
			return nil, err
		}
		fields = append(fields, f)
		if !p.accept(";") {
			p.accept(",")
		}
	}
	return fields, nil
}

// union reads A | B | ..., with an optional leading |.
func (p *tsParser) union() (*tsType, error) {
	p.accept("|")
	var alts []*tsType
	for {
		t, err := p.postfix()
		if err != nil {
			return nil, err
		}
		alts = append(alts, t)
		if !p.accept("|") {
			break
		}
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return &tsType{kind: tsUnion, alts: alts}, nil
}

// postfix reads a primary type and its [] and ['key'] suffixes.
func (p *tsParser) postfix() (*tsType, error) {
	t, err := p.primary()
	if err != nil {
		return nil, err
	}
	for p.accept("[") {
		if p.accept("]") {
			t = &tsType{kind: tsArray, elem: t}
			continue
		}
		key := p.next()
		if key.kind != 's' {
			return nil, fmt.Errorf("line %d: want [] or ['key'], got [%s", key.line, key.text)
		}
		if err := p.expect("]"); err != nil {
			return nil, err
		}
		t = &tsType{kind: tsIndex, elem: t, name: key.text}
	}
	return t, nil
}

func (p *tsParser) primary() (*tsType, error) {
	t := p.peek()
	switch {
	case t.kind == 's':
		p.pos++
		return &tsType{kind: tsString, name: t.text}, nil
	case t.kind == 'n':
		p.pos++
		return &tsType{kind: tsNumber, name: t.text}, nil
	case p.is("{"):
		fields, err := p.objectBody()
		if err != nil {
			return nil, err
		}
		return &tsType{kind: tsObject, fields: fields}, nil
	case p.accept("("):
		inner, err := p.union()
		if err != nil {
			return nil, err
		}
		return inner, p.expect(")")
	case p.accept("typeof"):
		name, err := p.ident()
		if err != nil {
			return nil, err
		}
		return &tsType{kind: tsTypeof, name: name}, nil
	case t.kind == 'i':
		p.pos++
		ref := &tsType{kind: tsName, name: t.text}
		if p.accept("<") {
			var err error
			if ref.args, err = commaSeparated(p, p.union); err != nil {
				return nil, err
			}
			if err := p.expect(">"); err != nil {
				return nil, err
			}
		}
		return ref, nil
	}
	return nil, fmt.Errorf("line %d: unexpected %q in a type", t.line, t.text)
}

// TestTypeScriptCheckFindsDrift proves the check can fail: typesFile with a
// field renamed, one made optional and one of the wrong kind.
func TestTypeScriptCheckFindsDrift(t *testing.T) {
	src, err := os.ReadFile(typesFile)
	if err != nil {
		t.Fatal(err)
	}
	drifted := string(src)
	for _, edit := range [][2]string{
		{"  imageId: string\n", "  imageID: string\n"},
		{"  oomKilled: boolean\n", "  oomKilled?: boolean\n"},
		{"  pids: number\n", "  pids: string\n"},
	} {
		if !strings.Contains(drifted, edit[0]) {
			t.Fatalf("%s no longer has %q: update this test", typesFile, edit[0])
		}
		drifted = strings.Replace(drifted, edit[0], edit[1], 1)
	}
	ts, err := parseTS(drifted)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(checkWireTypes(t, ts), "\n")
	want := strings.Join([]string{
		"Container.imageID is not a JSON field of model.Container",
		"Container.imageId (model.Container.ImageID) is missing in " + typesFile,
		"Container.oomKilled: optional in TypeScript true, omitempty in Go false",
		"Stats.pids: Go uint64 is a number, TypeScript has string",
	}, "\n")
	if got != want {
		t.Fatalf("problems found:\n%s\nwant:\n%s", got, want)
	}
}
