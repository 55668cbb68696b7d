{{/*
Names, labels and the shared Deployment of the three roles.
*/}}

{{- define "streamtune.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's base name; each role's objects are "<fullname>-<role>". */}}
{{- define "streamtune.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "streamtune.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "streamtune.labels" -}}
helm.sh/chart: {{ include "streamtune.chart" . }}
app.kubernetes.io/name: {{ include "streamtune.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: streamtune
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels of one role; call with (dict "root" $ "role" "ingest"). */}}
{{- define "streamtune.selectorLabels" -}}
app.kubernetes.io/name: {{ include "streamtune.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .role }}
{{- end }}

{{/* All labels of one role's objects; call with (dict "root" $ "role" "ingest"). */}}
{{- define "streamtune.roleLabels" -}}
{{ include "streamtune.labels" .root }}
app.kubernetes.io/component: {{ .role }}
{{- end }}

{{- define "streamtune.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "streamtune.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "streamtune.configMapName" -}}
{{- printf "%s-config" (include "streamtune.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* A setting key such as train.mode as its environment variable, STREAMTUNE_TRAIN_MODE. */}}
{{- define "streamtune.envName" -}}
{{- printf "STREAMTUNE_%s" (. | replace "." "_" | upper) }}
{{- end }}

{{/* Where the secret files are mounted. */}}
{{- define "streamtune.secretsDir" -}}/var/run/secrets/streamtune{{- end }}

{{/*
The ingest consumer group (Kafka Streams' application.id) and the images topic, as the code
derives them from config (for the KEDA trigger).
*/}}
{{- define "streamtune.ingestGroup" -}}
{{- default "streamtune-ingest" (index .Values.config "ingest.application.id") }}
{{- end }}
{{- define "streamtune.imagesTopic" -}}
{{- printf "%s%s" .Values.topics.prefix (default "images.labelled" (index .Values.config "topic.images")) }}
{{- end }}

{{/*
The projected secret volume of one role: every secret the values name, each key a file under
streamtune.secretsDir. Empty when no secret is named. Call with (dict "root" $ "role" "serve").
*/}}
{{- define "streamtune.secretSources" -}}
{{- $v := .root.Values -}}
- secret:
    name: {{ $v.s3.existingSecret }}
    items:
      - key: {{ $v.s3.accessKeyKey }}
        path: s3/access-key
      - key: {{ $v.s3.secretKeyKey }}
        path: s3/secret-key
{{- if $v.kafka.sasl.existingSecret }}
- secret:
    name: {{ $v.kafka.sasl.existingSecret }}
    items:
      - key: {{ $v.kafka.sasl.jaasConfigKey }}
        path: kafka/sasl-jaas-config
{{- end }}
{{- with $v.kafka.tls.truststore }}
{{- if .existingSecret }}
- secret:
    name: {{ .existingSecret }}
    items:
      - key: {{ .key }}
        path: kafka/truststore
      {{- if .passwordKey }}
      - key: {{ .passwordKey }}
        path: kafka/truststore-password
      {{- end }}
{{- end }}
{{- end }}
{{- with $v.kafka.tls.keystore }}
{{- if .existingSecret }}
- secret:
    name: {{ .existingSecret }}
    items:
      - key: {{ .key }}
        path: kafka/keystore
      {{- if .passwordKey }}
      - key: {{ .passwordKey }}
        path: kafka/keystore-password
      {{- end }}
      {{- if .keyPasswordKey }}
      - key: {{ .keyPasswordKey }}
        path: kafka/key-password
      {{- end }}
{{- end }}
{{- end }}
{{- if $v.schemaRegistry.basicAuth.existingSecret }}
- secret:
    name: {{ $v.schemaRegistry.basicAuth.existingSecret }}
    items:
      - key: {{ $v.schemaRegistry.basicAuth.userInfoKey }}
        path: registry/basic-auth-user-info
{{- end }}
{{- if and (eq .role "serve") $v.serve.auth.existingSecret }}
- secret:
    name: {{ $v.serve.auth.existingSecret }}
    items:
      - key: {{ $v.serve.auth.tokenKey }}
        path: serve/auth-token
{{- end }}
{{- end }}

{{/* The env entries that point the code at the secret files (STREAMTUNE_*_FILE) and stores. */}}
{{- define "streamtune.secretEnv" -}}
{{- $v := .root.Values }}
{{- $d := include "streamtune.secretsDir" . -}}
- name: STREAMTUNE_S3_ACCESS_KEY_FILE
  value: {{ $d }}/s3/access-key
- name: STREAMTUNE_S3_SECRET_KEY_FILE
  value: {{ $d }}/s3/secret-key
{{- if $v.kafka.sasl.existingSecret }}
- name: STREAMTUNE_KAFKA_SASL_JAAS_CONFIG_FILE
  value: {{ $d }}/kafka/sasl-jaas-config
{{- end }}
{{- with $v.kafka.tls.truststore }}
{{- if .existingSecret }}
- name: STREAMTUNE_KAFKA_SSL_TRUSTSTORE_LOCATION
  value: {{ $d }}/kafka/truststore
{{- if .type }}
- name: STREAMTUNE_KAFKA_SSL_TRUSTSTORE_TYPE
  value: {{ .type | quote }}
{{- end }}
{{- if .passwordKey }}
- name: STREAMTUNE_KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE
  value: {{ $d }}/kafka/truststore-password
{{- end }}
{{- end }}
{{- end }}
{{- with $v.kafka.tls.keystore }}
{{- if .existingSecret }}
- name: STREAMTUNE_KAFKA_SSL_KEYSTORE_LOCATION
  value: {{ $d }}/kafka/keystore
{{- if .type }}
- name: STREAMTUNE_KAFKA_SSL_KEYSTORE_TYPE
  value: {{ .type | quote }}
{{- end }}
{{- if .passwordKey }}
- name: STREAMTUNE_KAFKA_SSL_KEYSTORE_PASSWORD_FILE
  value: {{ $d }}/kafka/keystore-password
{{- end }}
{{- if .keyPasswordKey }}
- name: STREAMTUNE_KAFKA_SSL_KEY_PASSWORD_FILE
  value: {{ $d }}/kafka/key-password
{{- end }}
{{- end }}
{{- end }}
{{- if $v.schemaRegistry.basicAuth.existingSecret }}
- name: STREAMTUNE_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_FILE
  value: {{ $d }}/registry/basic-auth-user-info
{{- end }}
{{- if and (eq .role "serve") $v.serve.auth.existingSecret }}
- name: STREAMTUNE_SERVE_AUTH_TOKEN_FILE
  value: {{ $d }}/serve/auth-token
{{- end }}
{{- end }}

{{/*
One role's Deployment. Call with (dict "root" $ "role" "ingest"). The writable paths (the root
filesystem is read-only) are emptyDirs: /tmp for every role, /var/cache/streamtune for serve (the
downloaded versions), /var/lib/streamtune/state for ingest (Kafka Streams state) and
/var/lib/streamtune/work for train (indexes and the local mirror of the caches), each an emptyDir
or a per-pod ephemeral volume; feedback keeps its small Kafka Streams state under /tmp. TensorFlow's natives and the converted base model are in the image.
*/}}
{{- define "streamtune.deployment" -}}
{{- $root := .root }}
{{- $role := .role }}
{{- $v := $root.Values }}
{{- $r := index $v $role }}
{{- $ctx := dict "root" $root "role" $role }}
{{- $cache := eq $role "serve" }}
{{- $data := dict }}
{{- if eq $role "ingest" }}{{ $data = dict "name" "state" "volume" $r.state }}{{ end }}
{{- if eq $role "train" }}{{ $data = dict "name" "work" "volume" $r.work }}{{ end }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "streamtune.fullname" $root }}-{{ $role }}
  labels:
    {{- include "streamtune.roleLabels" $ctx | nindent 4 }}
spec:
  {{- $autoscaled := and (eq $role "ingest") (or $v.ingest.autoscaling.enabled $v.ingest.keda.enabled) }}
  {{- if not $autoscaled }}
  replicas: {{ $r.replicas }}
  {{- end }}
  revisionHistoryLimit: {{ $v.revisionHistoryLimit }}
  selector:
    matchLabels:
      {{- include "streamtune.selectorLabels" $ctx | nindent 6 }}
  {{- with $r.strategy }}
  strategy:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  template:
    metadata:
      labels:
        {{- include "streamtune.selectorLabels" $ctx | nindent 8 }}
        {{- with $v.commonLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
        {{- with $r.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "streamtune.serviceAccountName" $root }}
      automountServiceAccountToken: {{ $v.serviceAccount.automountToken }}
      {{- with $v.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: {{ $r.terminationGracePeriodSeconds }}
      {{- with $v.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      containers:
        - name: {{ $role }}
          image: "{{ $v.image.repository }}:{{ default $root.Chart.AppVersion $v.image.tag }}"
          imagePullPolicy: {{ $v.image.pullPolicy }}
          args: ["worker", "--roles", {{ $role | quote }}]
          securityContext:
            {{- toYaml $v.containerSecurityContext | nindent 12 }}
          ports:
            - name: health
              containerPort: {{ $v.health.port }}
              protocol: TCP
            {{- if eq $role "serve" }}
            - name: http
              containerPort: {{ $v.serve.port }}
              protocol: TCP
            {{- end }}
          envFrom:
            - configMapRef:
                name: {{ include "streamtune.configMapName" $root }}
          env:
            - name: JAVA_TOOL_OPTIONS
              value: {{ printf "-XX:MaxRAMPercentage=%v -XX:+ExitOnOutOfMemoryError %s" $r.heapPercent $r.javaOptions | trim | quote }}
            {{- include "streamtune.secretEnv" $ctx | nindent 12 }}
            - name: STREAMTUNE_HEALTH_PORT
              value: {{ $v.health.port | quote }}
            {{- if eq $role "serve" }}
            - name: STREAMTUNE_SERVE_CACHE_DIR
              value: /var/cache/streamtune/serving
            - name: STREAMTUNE_SERVE_PORT
              value: {{ $v.serve.port | quote }}
            {{- end }}
            {{- if eq $role "ingest" }}
            - name: STREAMTUNE_INGEST_STATE_DIR
              value: /var/lib/streamtune/state
            {{- end }}
            {{- if eq $role "train" }}
            - name: STREAMTUNE_TRAIN_WORK_DIR
              value: /var/lib/streamtune/work
            {{- end }}
            {{- if eq $role "feedback" }}
            - name: STREAMTUNE_FEEDBACK_STATE_DIR
              value: /tmp/feedback-state
            {{- end }}
            {{- range $key, $value := $r.config }}
            - name: {{ include "streamtune.envName" $key }}
              value: {{ $value | toString | quote }}
            {{- end }}
          {{- with $r.startupProbe }}
          startupProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $r.livenessProbe }}
          livenessProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $r.readinessProbe }}
          readinessProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          resources:
            {{- toYaml $r.resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            - name: secrets
              mountPath: {{ include "streamtune.secretsDir" $root }}
              readOnly: true
            {{- if $cache }}
            - name: cache
              mountPath: /var/cache/streamtune
            {{- end }}
            {{- with $data }}
            - name: {{ .name }}
              mountPath: /var/lib/streamtune/{{ .name }}
            {{- end }}
            {{- with $r.extraVolumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ $r.tmpSizeLimit }}
        - name: secrets
          projected:
            defaultMode: 0440
            sources:
              {{- include "streamtune.secretSources" $ctx | nindent 14 }}
        {{- if $cache }}
        - name: cache
          emptyDir:
            sizeLimit: {{ $r.cacheSizeLimit }}
        {{- end }}
        {{- with $data }}
        - name: {{ .name }}
          {{- if eq .volume.type "ephemeral" }}
          ephemeral:
            volumeClaimTemplate:
              metadata:
                labels:
                  {{- include "streamtune.selectorLabels" $ctx | nindent 18 }}
              spec:
                accessModes: ["ReadWriteOnce"]
                {{- with .volume.storageClassName }}
                storageClassName: {{ . }}
                {{- end }}
                resources:
                  requests:
                    storage: {{ .volume.size }}
          {{- else }}
          emptyDir:
            sizeLimit: {{ .volume.size }}
          {{- end }}
        {{- end }}
        {{- with $r.extraVolumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with $r.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $r.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $r.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $r.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}
