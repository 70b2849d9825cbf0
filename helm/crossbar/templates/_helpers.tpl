{{/*
Names and labels.
*/}}
{{- define "crossbar.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's base name; 54 characters at most so that "-watcher" / "-relayer" / "-monitor" fit in 63. */}}
{{- define "crossbar.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 54 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 54 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 54 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "crossbar.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "crossbar.selectorLabels" -}}
app.kubernetes.io/name: {{ include "crossbar.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "crossbar.labels" -}}
helm.sh/chart: {{ include "crossbar.chart" . }}
{{ include "crossbar.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: crossbar
{{- end }}

{{- define "crossbar.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "crossbar.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "crossbar.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
Where things are inside the containers.
*/}}
{{- define "crossbar.configDir" -}}/etc/crossbar{{- end }}
{{- define "crossbar.secretsDir" -}}/var/run/secrets/crossbar{{- end }}

{{/*
Environment variable names holding secrets. None starts with CROSSBAR_<section>_, so none is read as a
configuration override.
*/}}
{{- define "crossbar.env.pgPassword" -}}PGPASSWORD{{- end }}
{{- define "crossbar.env.adminToken" -}}CROSSBAR_ADMIN_TOKEN{{- end }}
{{- /* The CLI sends the token in this variable by default, so `kubectl exec` into a pod just works. */}}
{{- define "crossbar.env.readToken" -}}CROSSBAR_READ_TOKEN{{- end }}

{{/*
The read token's Secret as {secretName, key}: the one named in the values, or the one the chart creates. Empty
when the read API is open (http.readToken.enabled=false).
*/}}
{{- define "crossbar.readTokenSecretName" -}}{{ include "crossbar.fullname" . }}-read-token{{- end }}
{{- define "crossbar.readTokenRef" -}}
{{- $t := .Values.http.readToken }}
{{- if $t.enabled }}
{{- if $t.existingSecret }}
{{- toYaml $t.existingSecret }}
{{- else }}
{{- toYaml (dict "secretName" (include "crossbar.readTokenSecretName" .) "key" "token") }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The relayer's key files: for signers[i].keys[j], "<chainId>-<j>" (a raw key) or "<chainId>-<j>.json" (a
keystore), and the keystore password's environment variable.
*/}}
{{- define "crossbar.relayer.keyFile" -}}
{{- $chainId := index . 0 }}{{- $j := index . 1 }}{{- $key := index . 2 -}}
{{- if $key.keystore }}{{ printf "%v-%d.json" (int64 $chainId) (int $j) }}{{ else }}{{ printf "%v-%d" (int64 $chainId) (int $j) }}{{ end }}
{{- end }}
{{- define "crossbar.relayer.passwordEnv" -}}
{{- printf "RELAYER_KEYSTORE_PASSWORD_%v_%d" (int64 (index . 0)) (int (index . 1)) }}
{{- end }}

{{/*
crossbar.yaml, rendered from the values: everything but secrets, which appear only as references to the files
and variables the Deployments provide from Secrets.
*/}}
{{- /*
The path every pod serves under (http.pathPrefix): the Ingress's path when the Ingress is on and its path is not
"/", else empty (served at the root).
*/}}
{{- define "crossbar.pathPrefix" -}}
{{- if and .Values.ingress.enabled (ne .Values.ingress.path "/") }}{{ .Values.ingress.path }}{{- end }}
{{- end }}

{{- define "crossbar.config" -}}
{{- $v := .Values }}
{{- $secrets := include "crossbar.secretsDir" . }}
{{- $config := dict }}
{{- $_ := set $config "chains" $v.chains }}
{{- /* store: the external PostgreSQL */}}
{{- $pg := dict "jdbcUrl" $v.postgres.jdbcUrl "user" $v.postgres.user "poolSize" $v.postgres.poolSize "schema" $v.postgres.schema }}
{{- if $v.postgres.password }}
{{- $_ := set $pg "password" (dict "env" (include "crossbar.env.pgPassword" .)) }}
{{- end }}
{{- $_ := set $config "store" (dict "backend" "postgres" "postgres" $pg) }}
{{- /* kafka: the external cluster */}}
{{- $kafka := deepCopy $v.kafka.settings }}
{{- $_ := set $kafka "bootstrapServers" $v.kafka.bootstrapServers }}
{{- $_ := set $kafka "clientId" $v.kafka.clientId }}
{{- $_ := set $kafka "topics" $v.kafka.topics }}
{{- $props := deepCopy $v.kafka.properties }}
{{- range $name, $ref := $v.kafka.secretProperties }}
{{- $_ := set $props $name (dict "file" (printf "%s/kafka/%s" $secrets $name)) }}
{{- end }}
{{- if $props }}
{{- $_ := set $kafka "properties" $props }}
{{- end }}
{{- $_ := set $config "kafka" $kafka }}
{{- /* relayer: its consumer group, and its keys as file references */}}
{{- $relayer := deepCopy $v.relayer.settings }}
{{- $_ := set $relayer "group" $v.relayer.consumerGroup }}
{{- $_ := set $relayer "signerSlots" $v.relayer.signerSlots }}
{{- $signers := list }}
{{- range $s := $v.relayer.signers }}
{{- $keys := list }}
{{- range $j, $k := $s.keys }}
{{- $file := printf "%s/relayer/%s" $secrets (include "crossbar.relayer.keyFile" (list $s.chainId $j $k)) }}
{{- if $k.keystore }}
{{- $keys = append $keys (dict "keystore" $file "passwordEnv" (include "crossbar.relayer.passwordEnv" (list $s.chainId $j))) }}
{{- else }}
{{- $keys = append $keys (dict "file" $file) }}
{{- end }}
{{- end }}
{{- $signers = append $signers (dict "chainId" $s.chainId "keys" $keys) }}
{{- end }}
{{- $_ := set $relayer "signers" $signers }}
{{- $_ := set $config "relayer" $relayer }}
{{- /* monitor: its keys as file references */}}
{{- $monitor := deepCopy $v.monitor.settings }}
{{- $_ := set $monitor "group" $v.monitor.consumerGroup }}
{{- if $v.monitor.challengerKey }}
{{- $_ := set $monitor "challengerKey" (dict "file" (printf "%s/monitor/challenger" $secrets)) }}
{{- end }}
{{- if $v.monitor.guardianKey }}
{{- $_ := set $monitor "guardianKey" (dict "file" (printf "%s/monitor/guardian" $secrets)) }}
{{- end }}
{{- if $v.monitor.reclaimerKey }}
{{- $_ := set $monitor "reclaimerKey" (dict "file" (printf "%s/monitor/reclaimer" $secrets)) }}
{{- end }}
{{- if $v.monitor.exitAccounts }}
{{- $accounts := list }}
{{- range $i, $k := $v.monitor.exitAccounts }}
{{- $accounts = append $accounts (dict "file" (printf "%s/monitor/exit-%d" $secrets $i)) }}
{{- end }}
{{- $_ := set $monitor "exits" (dict "accounts" $accounts) }}
{{- end }}
{{- $_ := set $config "monitor" $monitor }}
{{- /* http: every interface, the admin and read tokens from Secrets, the Ingress's path prefix */}}
{{- $http := dict "address" (printf "0.0.0.0:%d" (int $v.http.port)) }}
{{- with (include "crossbar.pathPrefix" .) }}
{{- $_ := set $http "pathPrefix" . }}
{{- end }}
{{- if $v.http.adminToken }}
{{- $_ := set $http "adminToken" (dict "env" (include "crossbar.env.adminToken" .)) }}
{{- end }}
{{- if $v.http.readToken.enabled }}
{{- $_ := set $http "readToken" (dict "env" (include "crossbar.env.readToken" .)) }}
{{- end }}
{{- $_ := set $config "http" $http }}
{{- $_ := set $config "log" $v.log }}
{{- toYaml $config }}
{{- end }}
