// What help-desk mail says, per language: customer requests, agent answers, follow-ups. `{n}` is an
// order or invoice number, `{name}` the addressee, `{agent}` the agent's name.

export interface Texts {
  subjects: readonly string[];
  /** Same subject from unrelated people (threading by subject must not merge them). */
  generic: readonly string[];
  requests: readonly string[];
  answers: readonly string[];
  followUps: readonly string[];
  thanks: readonly string[];
  greeting: string;
  closing: string;
  outOfOffice: string;
  newTopic: string;
}

const EN: Texts = {
  subjects: [
    "Order {n} not delivered",
    "Refund for order {n}",
    "Cannot log in to my account",
    "Damaged item in order {n}",
    "Change of billing address",
    "Invoice {n} shows the wrong amount",
    "Subscription renewal failed",
    "Warranty claim for order {n}",
  ],
  generic: ["Invoice", "Question", "Help"],
  requests: [
    "my order {n} was due last week and still has not arrived. The tracking page has not changed for five days. Can you tell me where it is?",
    "I was charged twice for order {n}. Please refund the second payment to my card.",
    "since yesterday I cannot log in. The password reset mail never arrives. My username is the address I am writing from.",
    "the package for order {n} arrived today but the box was crushed and the item inside is broken. Photos are attached.",
  ],
  answers: [
    "thank you for getting in touch. I have checked order {n}: it left our warehouse on Monday and the carrier reports a delay in your area. It should arrive within two working days.",
    "I am sorry for the trouble. I have asked our billing team to refund the duplicate payment; you will see it on your statement within five working days.",
    "I have reset the sign-in for your account. Please try again and let me know if the reset mail still does not arrive.",
  ],
  followUps: [
    "thanks for the quick answer, but it still has not arrived. Could you send a replacement instead?",
    "I tried again this morning and it still does not work. Is there anything else I can do?",
    "one more question: will I get a new invoice for this?",
  ],
  thanks: ["that worked, thank you very much!", "received it today. Thanks for your help."],
  greeting: "Hello {name},",
  closing: "Kind regards,",
  outOfOffice:
    "I am out of the office until next Monday with limited access to email. For urgent matters please call our office.",
  newTopic: "New problem: missing parts in order {n}",
};

const DE: Texts = {
  subjects: [
    "Bestellung {n} nicht angekommen",
    "Rückerstattung für Bestellung {n}",
    "Anmeldung nicht möglich",
    "Beschädigte Ware in Bestellung {n}",
    "Änderung der Rechnungsadresse",
    "Rechnung {n} mit falschem Betrag",
    "Verlängerung des Abonnements fehlgeschlagen",
    "Garantieanspruch für Bestellung {n}",
  ],
  generic: ["Rechnung", "Frage", "Hilfe"],
  requests: [
    "meine Bestellung {n} sollte letzte Woche ankommen und ist immer noch nicht da. Die Sendungsverfolgung hat sich seit fünf Tagen nicht geändert. Wo ist das Paket?",
    "mir wurde die Bestellung {n} zweimal berechnet. Bitte erstatten Sie die zweite Zahlung.",
    "seit gestern kann ich mich nicht mehr anmelden. Die E-Mail zum Zurücksetzen des Passworts kommt nie an.",
    "das Paket für Bestellung {n} kam heute an, aber der Karton war eingedrückt und der Artikel ist kaputt. Fotos hänge ich an.",
  ],
  answers: [
    "vielen Dank für Ihre Nachricht. Ich habe Bestellung {n} geprüft: Sie hat unser Lager am Montag verlassen, der Versanddienstleister meldet eine Verzögerung in Ihrer Region.",
    "das tut mir leid. Ich habe unsere Buchhaltung gebeten, die doppelte Zahlung zu erstatten; das dauert bis zu fünf Werktage.",
    "ich habe die Anmeldung für Ihr Konto zurückgesetzt. Bitte versuchen Sie es noch einmal.",
  ],
  followUps: [
    "danke für die schnelle Antwort, aber das Paket ist immer noch nicht da. Können Sie Ersatz schicken?",
    "ich habe es heute früh noch einmal versucht, es geht immer noch nicht.",
    "noch eine Frage: Bekomme ich dafür eine neue Rechnung?",
  ],
  thanks: ["jetzt funktioniert es, vielen Dank!", "heute angekommen. Danke für die Hilfe."],
  greeting: "Hallo {name},",
  closing: "Mit freundlichen Grüßen",
  outOfOffice:
    "Ich bin bis einschließlich Freitag nicht im Büro und habe nur eingeschränkt Zugriff auf meine E-Mails.",
  newTopic: "Neues Problem: fehlende Teile in Bestellung {n}",
};

const FR: Texts = {
  subjects: [
    "Commande {n} non livrée",
    "Remboursement de la commande {n}",
    "Impossible de me connecter",
    "Article endommagé dans la commande {n}",
    "Changement d'adresse de facturation",
    "Facture {n} avec un montant erroné",
    "Échec du renouvellement de l'abonnement",
    "Demande de garantie pour la commande {n}",
  ],
  generic: ["Facture", "Question", "Aide"],
  requests: [
    "ma commande {n} devait arriver la semaine dernière et je ne l'ai toujours pas reçue. Pouvez-vous me dire où elle se trouve ?",
    "la commande {n} m'a été facturée deux fois. Merci de rembourser le second paiement.",
    "depuis hier je ne peux plus me connecter. Le mail de réinitialisation du mot de passe n'arrive jamais.",
    "le colis de la commande {n} est arrivé aujourd'hui mais l'article est cassé. Je joins des photos.",
  ],
  answers: [
    "merci pour votre message. La commande {n} a quitté notre entrepôt lundi ; le transporteur signale un retard dans votre région.",
    "je suis désolé pour ce désagrément. Notre service comptable va rembourser le paiement en double sous cinq jours ouvrés.",
    "j'ai réinitialisé la connexion de votre compte. Merci de réessayer.",
  ],
  followUps: [
    "merci pour la réponse rapide, mais je n'ai toujours rien reçu. Pouvez-vous envoyer un remplacement ?",
    "j'ai réessayé ce matin et cela ne fonctionne toujours pas.",
    "encore une question : vais-je recevoir une nouvelle facture ?",
  ],
  thanks: ["cela fonctionne, merci beaucoup !", "reçu aujourd'hui. Merci pour votre aide."],
  greeting: "Bonjour {name},",
  closing: "Cordialement,",
  outOfOffice: "Je suis absent du bureau jusqu'à lundi prochain avec un accès limité à mes e-mails.",
  newTopic: "Nouveau problème : pièces manquantes dans la commande {n}",
};

const ES: Texts = {
  ...EN,
  subjects: [
    "Pedido {n} no entregado",
    "Reembolso del pedido {n}",
    "No puedo iniciar sesión",
    "Factura {n} incorrecta",
  ],
  generic: ["Factura", "Pregunta", "Ayuda"],
  requests: [
    "mi pedido {n} debía llegar la semana pasada y todavía no ha llegado. ¿Pueden decirme dónde está?",
    "me han cobrado dos veces el pedido {n}. Por favor, devuelvan el segundo pago.",
  ],
  followUps: ["gracias por la respuesta, pero todavía no ha llegado.", "¿recibiré una nueva factura?"],
  thanks: ["¡funciona, muchas gracias!"],
  greeting: "Hola {name}:",
  closing: "Saludos cordiales,",
};

const NL: Texts = {
  ...EN,
  subjects: [
    "Bestelling {n} niet geleverd",
    "Terugbetaling bestelling {n}",
    "Kan niet inloggen",
    "Factuur {n} klopt niet",
  ],
  generic: ["Factuur", "Vraag", "Hulp"],
  requests: [
    "mijn bestelling {n} had vorige week moeten komen en is er nog steeds niet. Waar is het pakket?",
    "bestelling {n} is twee keer afgeschreven. Graag de tweede betaling terugstorten.",
  ],
  followUps: [
    "bedankt voor het snelle antwoord, maar het pakket is er nog steeds niet.",
    "krijg ik hiervoor een nieuwe factuur?",
  ],
  thanks: ["het werkt weer, hartelijk dank!"],
  greeting: "Beste {name},",
  closing: "Met vriendelijke groet,",
};

const TEXTS: Record<string, Texts> = { en: EN, de: DE, fr: FR, es: ES, nl: NL };

export function textsFor(locale: string): Texts {
  return TEXTS[locale.slice(0, 2)] ?? EN;
}
