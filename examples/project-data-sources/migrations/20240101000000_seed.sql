CREATE TABLE {{ .prefix }}_settings (
  key text PRIMARY KEY,
  value text NOT NULL
);
{{- range $k := .keys }}
INSERT INTO {{ $.prefix }}_settings (key, value) VALUES ('{{ $k }}', '');
{{- end }}
