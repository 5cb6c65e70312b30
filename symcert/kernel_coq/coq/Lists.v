(** * Small facts about lists and sums of reals used by the soundness proofs. *)
From Coq Require Import List Reals Lra Lia.
From Symcert Require Import Defs.
Import ListNotations.
Local Open Scope R_scope.

Lemma Forall2_len {A B} (P : A -> B -> Prop) l1 l2 : Forall2 P l1 l2 -> length l1 = length l2.
Proof. induction 1; simpl; auto. Qed.

Lemma Forall2_firstn {A B} (P : A -> B -> Prop) n l1 l2 :
  Forall2 P l1 l2 -> Forall2 P (firstn n l1) (firstn n l2).
Proof.
  intro H; revert n; induction H; intros [|n]; simpl; auto.
Qed.

Lemma Forall2_skipn {A B} (P : A -> B -> Prop) n l1 l2 :
  Forall2 P l1 l2 -> Forall2 P (skipn n l1) (skipn n l2).
Proof.
  intro H; revert n; induction H; intros [|n]; simpl; auto.
Qed.

Lemma Forall2_rows {A B} (P : A -> B -> Prop) r c l1 l2 :
  Forall2 P l1 l2 -> Forall2 (Forall2 P) (rows r c l1) (rows r c l2).
Proof.
  revert l1 l2; induction r as [|r IH]; intros l1 l2 H; simpl; constructor.
  - apply Forall2_firstn, H.
  - apply IH, Forall2_skipn, H.
Qed.

Lemma Forall2_combine {A B C D} (P : A -> B -> Prop) (Q : C -> D -> Prop) l1 l2 l3 l4 :
  Forall2 P l1 l2 -> Forall2 Q l3 l4 ->
  Forall2 (fun x y => P (fst x) (fst y) /\ Q (snd x) (snd y)) (combine l1 l3) (combine l2 l4).
Proof.
  intro H; revert l3 l4; induction H; intros l3 l4 H'; simpl; [constructor|].
  destruct H'; simpl; constructor; auto.
Qed.

Lemma Forall2_map_r {A B C} (P : A -> C -> Prop) (f : B -> C) l1 l2 :
  Forall2 P l1 (map f l2) -> Forall2 (fun x y => P x (f y)) l1 l2.
Proof.
  revert l1; induction l2 as [|b l2 IH]; intros l1 H; simpl in H; inversion H; subst; constructor; auto.
Qed.

Lemma Forall2_compose {A B C} (P : A -> B -> Prop) (Q : B -> C -> Prop) l1 l2 l3 :
  Forall2 P l1 l2 -> Forall2 Q l2 l3 -> Forall2 (fun x z => exists y, P x y /\ Q y z) l1 l3.
Proof.
  intro H; revert l3; induction H; intros l3 H'; inversion H'; subst; constructor; eauto.
Qed.

Lemma sum_map_plus {A} (f g : A -> R) l :
  sum (map (fun s => f s + g s) l) = sum (map f l) + sum (map g l).
Proof. induction l; simpl; [ring|]. rewrite IHl. ring. Qed.

Lemma sum_map_scale {A} (c : R) (f : A -> R) l :
  sum (map (fun s => c * f s) l) = c * sum (map f l).
Proof. induction l; simpl; [ring|]. rewrite IHl. ring. Qed.

Lemma sum_map_ext_in {A} (f g : A -> R) l :
  (forall s, In s l -> f s = g s) -> sum (map f l) = sum (map g l).
Proof. intro H. f_equal. apply map_ext_in. exact H. Qed.

Lemma sum_map_zero {A} (f : A -> R) l : (forall s, f s = 0) -> sum (map f l) = 0.
Proof. intro H; induction l; simpl; [reflexivity|]. rewrite H, IHl. ring. Qed.

Lemma sum_map_le {A} (f g : A -> R) l :
  (forall s, In s l -> f s <= g s) -> sum (map f l) <= sum (map g l).
Proof.
  induction l as [|a l IH]; intro H; simpl; [lra|].
  apply Rplus_le_compat; [apply H; left; reflexivity|apply IH; intros; apply H; right; auto].
Qed.

Lemma sum_abs_nonneg l : 0 <= sum (map Rabs l).
Proof. induction l; simpl; [lra|]. pose proof (Rabs_pos a). lra. Qed.

Lemma dot_nil_r u : dot u [] = 0.
Proof. destruct u; reflexivity. Qed.

Lemma dot_cons a u x : dot (a :: u) x = a * nth 0 x 0 + dot u (tl x).
Proof. destruct x; simpl; [rewrite dot_nil_r; ring|reflexivity]. Qed.

Lemma nth_tl (x : list R) l : nth l (tl x) 0 = nth (S l) x 0.
Proof. destruct x, l; reflexivity. Qed.

(** |dot u x - dot v x| <= r * sum |x_i| when u and v differ by less than r coordinatewise. *)
Lemma dot_close r u v x :
  0 <= r -> Forall2 (fun a b => Rabs (a - b) < r) u v ->
  Rabs (dot u x - dot v x) <= r * sum (map Rabs x).
Proof.
  intros Hr H; revert x; induction H as [|a b u v Hab H IH]; intro x.
  - simpl. rewrite Rminus_0_r, Rabs_R0. pose proof (sum_abs_nonneg x). nra.
  - destruct x as [|xi x]; simpl.
    + rewrite Rminus_0_r, Rabs_R0. lra.
    + replace (a * xi + dot u x - (b * xi + dot v x)) with ((a - b) * xi + (dot u x - dot v x)) by ring.
      eapply Rle_trans; [apply Rabs_triang|]. rewrite Rabs_mult.
      specialize (IH x). pose proof (Rabs_pos xi). pose proof (Rabs_pos (a - b)).
      assert (Rabs (a - b) * Rabs xi <= r * Rabs xi) by (apply Rmult_le_compat_r; lra).
      lra.
Qed.

Lemma Forall2_weaken {A B} (P Q : A -> B -> Prop) l1 l2 :
  (forall a b, P a b -> Q a b) -> Forall2 P l1 l2 -> Forall2 Q l1 l2.
Proof. intros H F; induction F; constructor; auto. Qed.

Lemma sum_map_zero_in {A} (f : A -> R) l : (forall s, In s l -> f s = 0) -> sum (map f l) = 0.
Proof.
  induction l as [|a l IH]; intro H; simpl; [reflexivity|].
  rewrite H, IH; [ring| |left; reflexivity]. intros; apply H; right; auto.
Qed.
