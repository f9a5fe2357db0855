// Localized display names of the default folders (Exchange names them in the mailbox's language
// when it is provisioned), and the well-known names Graph accepts in place of their ids.

export const WELL_KNOWN = [
  "inbox",
  "drafts",
  "sentitems",
  "deleteditems",
  "junkemail",
  "archive",
  "outbox",
  "conversationhistory",
  "clutter",
  "scheduled",
  "syncissues",
  "conflicts",
  "localfailures",
  "serverfailures",
] as const;

export type WellKnownName = typeof WELL_KNOWN[number];

type Names = Record<WellKnownName, string>;

const EN: Names = {
  inbox: "Inbox",
  drafts: "Drafts",
  sentitems: "Sent Items",
  deleteditems: "Deleted Items",
  junkemail: "Junk Email",
  archive: "Archive",
  outbox: "Outbox",
  conversationhistory: "Conversation History",
  clutter: "Clutter",
  scheduled: "Scheduled",
  syncissues: "Sync Issues",
  conflicts: "Conflicts",
  localfailures: "Local Failures",
  serverfailures: "Server Failures",
};

const NAMES: Record<string, Names> = {
  "en-US": EN,
  "en-GB": EN,
  "de-DE": {
    inbox: "Posteingang",
    drafts: "Entwürfe",
    sentitems: "Gesendete Elemente",
    deleteditems: "Gelöschte Elemente",
    junkemail: "Junk-E-Mail",
    archive: "Archiv",
    outbox: "Postausgang",
    conversationhistory: "Unterhaltungsverlauf",
    clutter: "Clutter",
    scheduled: "Geplant",
    syncissues: "Synchronisierungsprobleme",
    conflicts: "Konflikte",
    localfailures: "Lokale Fehler",
    serverfailures: "Serverfehler",
  },
  "fr-FR": {
    inbox: "Boîte de réception",
    drafts: "Brouillons",
    sentitems: "Éléments envoyés",
    deleteditems: "Éléments supprimés",
    junkemail: "Courrier indésirable",
    archive: "Archive",
    outbox: "Boîte d'envoi",
    conversationhistory: "Historique des conversations",
    clutter: "Courrier pêle-mêle",
    scheduled: "Planifié",
    syncissues: "Problèmes de synchronisation",
    conflicts: "Conflits",
    localfailures: "Échecs locaux",
    serverfailures: "Échecs du serveur",
  },
  "es-ES": {
    inbox: "Bandeja de entrada",
    drafts: "Borradores",
    sentitems: "Elementos enviados",
    deleteditems: "Elementos eliminados",
    junkemail: "Correo no deseado",
    archive: "Archivo",
    outbox: "Bandeja de salida",
    conversationhistory: "Historial de conversaciones",
    clutter: "Correo desordenado",
    scheduled: "Programado",
    syncissues: "Problemas de sincronización",
    conflicts: "Conflictos",
    localfailures: "Errores locales",
    serverfailures: "Errores del servidor",
  },
  "nl-NL": {
    inbox: "Postvak IN",
    drafts: "Concepten",
    sentitems: "Verzonden items",
    deleteditems: "Verwijderde items",
    junkemail: "Ongewenste e-mail",
    archive: "Archief",
    outbox: "Postvak UIT",
    conversationhistory: "Gespreksgeschiedenis",
    clutter: "Clutter",
    scheduled: "Gepland",
    syncissues: "Synchronisatieproblemen",
    conflicts: "Conflicten",
    localfailures: "Lokale fouten",
    serverfailures: "Serverfouten",
  },
  "pt-BR": {
    inbox: "Caixa de Entrada",
    drafts: "Rascunhos",
    sentitems: "Itens Enviados",
    deleteditems: "Itens Excluídos",
    junkemail: "Lixo Eletrônico",
    archive: "Arquivo Morto",
    outbox: "Caixa de Saída",
    conversationhistory: "Histórico de Conversa",
    clutter: "Clutter",
    scheduled: "Agendado",
    syncissues: "Problemas de Sincronização",
    conflicts: "Conflitos",
    localfailures: "Falhas Locais",
    serverfailures: "Falhas do Servidor",
  },
  "ja-JP": {
    inbox: "受信トレイ",
    drafts: "下書き",
    sentitems: "送信済みアイテム",
    deleteditems: "削除済みアイテム",
    junkemail: "迷惑メール",
    archive: "アーカイブ",
    outbox: "送信トレイ",
    conversationhistory: "会話の履歴",
    clutter: "低優先メール",
    scheduled: "スケジュール済み",
    syncissues: "同期の失敗",
    conflicts: "競合",
    localfailures: "ローカルエラー",
    serverfailures: "サーバーエラー",
  },
};

const ROOT_NAMES: Record<string, string> = {
  "de-DE": "Oberste Ebene des Informationsspeichers",
  "fr-FR": "Partie supérieure de la banque d'informations",
  "es-ES": "Parte superior del almacén de información",
  "nl-NL": "Bovenliggende map van gegevensarchief",
  "pt-BR": "Parte superior do Repositório de Informações",
  "ja-JP": "情報ストアのトップ",
};

/** `msgfolderroot`, the parent of the default folders. */
export function rootDisplayName(locale: string): string {
  return ROOT_NAMES[locale] ?? "Top of Information Store";
}

export function folderDisplayName(name: WellKnownName, locale: string): string {
  return (NAMES[locale] ?? EN)[name];
}

/** Folders people made themselves, named in their own language. */
export const CUSTOM_FOLDERS: Record<string, readonly string[]> = {
  "de-DE": ["Erledigt", "Rechnungen", "Eskalationen"],
  "fr-FR": ["Traité", "Factures", "Escalades"],
  "es-ES": ["Resuelto", "Facturas", "Escalados"],
  "nl-NL": ["Afgehandeld", "Facturen", "Escalaties"],
  "pt-BR": ["Resolvido", "Faturas", "Escalonamentos"],
  "ja-JP": ["対応済み", "請求書", "エスカレーション"],
  "en": ["Resolved", "Invoices", "Escalations"],
};
