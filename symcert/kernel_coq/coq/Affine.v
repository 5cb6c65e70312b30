(** * Real-number facts behind the affine reduction of one-hidden-layer networks.

    On a parameter box where every hidden neuron keeps one linear piece on every sample, the
    network's output on the data is an affine function of the input; a residual orthogonal to
    the inputs and to the constants (the normal equations) is then orthogonal to the output,
    and the squared loss is at least the least-squares optimum. *)
From Coq Require Import List QArith Reals Qreals Lra Lia.
From Symcert Require Import Defs QSem Lists.
Import ListNotations.
Local Open Scope R_scope.

(** On an open piece of the activation, the activation is that piece's affine map. *)
Lemma pl_piece k bs ps t s c :
  (k <= length bs)%nat -> nth_error ps k = Some (s, c) ->
  (forall b, In b (firstn k bs) -> Q2R b <= t) ->
  (forall b, In b (skipn k bs) -> t < Q2R b) ->
  pl_eval bs ps t = Q2R s * t + Q2R c.
Proof.
  revert bs ps; induction k as [|k IH]; intros bs ps Hk Hn Hlo Hhi.
  - destruct ps as [|[s' c'] ps]; [discriminate|]. simpl in Hn. injection Hn as -> ->.
    destruct bs as [|b bs]; simpl; [reflexivity|].
    destruct (Rlt_dec t (Q2R b)) as [_|N]; [reflexivity|].
    exfalso; apply N, Hhi; left; reflexivity.
  - destruct ps as [|[s' c'] ps]; [discriminate|]. simpl in Hn.
    destruct bs as [|b bs]; simpl in Hk; [lia|]. simpl.
    destruct (Rlt_dec t (Q2R b)) as [L|_].
    + exfalso. assert (Q2R b <= t) by (apply Hlo; left; reflexivity). lra.
    + apply IH; [lia|exact Hn| |].
      * intros b' Hb'. apply Hlo. right. exact Hb'.
      * intros b' Hb'. apply Hhi. exact Hb'.
Qed.

Section Orth.
  Context {T : Type}.
  Variable ds : list T.
  Variable rr : T -> R.
  Hypothesis sum_r : sum (map rr ds) = 0.

  Lemma orth_dot (X : T -> list R) w :
    (forall l, sum (map (fun s => rr s * nth l (X s) 0) ds) = 0) ->
    sum (map (fun s => rr s * dot w (X s)) ds) = 0.
  Proof.
    revert X; induction w as [|a w IH]; intros X H.
    - apply sum_map_zero. intro s. simpl. ring.
    - transitivity (sum (map (fun s => a * (rr s * nth 0 (X s) 0) + rr s * dot w (tl (X s))) ds)).
      + apply sum_map_ext_in. intros s _. rewrite dot_cons. ring.
      + rewrite sum_map_plus, sum_map_scale, H, (IH (fun s => tl (X s))); [ring|].
        intro l. transitivity (sum (map (fun s => rr s * nth (S l) (X s) 0) ds)); [|apply H].
        apply sum_map_ext_in. intros s _. cbv beta. rewrite nth_tl. reflexivity.
  Qed.

  Lemma orth_const (c : R) : sum (map (fun s => rr s * c) ds) = 0.
  Proof.
    transitivity (sum (map (fun s => c * rr s) ds)).
    - apply sum_map_ext_in. intros; ring.
    - rewrite sum_map_scale, sum_r. ring.
  Qed.

  (** Hidden neurons (w, b) whose activation is the affine map of piece (s, c) on every sample. *)
  Definition on_piece (h : R -> R) (X : T -> list R) (wb : list R * R) (sc : Q * Q) : Prop :=
    forall s, In s ds ->
      h (dot (fst wb) (X s) + snd wb) = Q2R (fst sc) * (dot (fst wb) (X s) + snd wb) + Q2R (snd sc).

  Lemma orth_hidden (h : R -> R) (X : T -> list R) nb scs :
    (forall l, sum (map (fun s => rr s * nth l (X s) 0) ds) = 0) ->
    Forall2 (on_piece h X) nb scs ->
    forall v, sum (map (fun s => rr s * dot v (map (fun wb => h (dot (fst wb) (X s) + snd wb)) nb)) ds) = 0.
  Proof.
    intros Hn H; induction H as [|wb sc nb scs Hp H IH]; intro v.
    - apply sum_map_zero. intro s. simpl. rewrite dot_nil_r. ring.
    - destruct v as [|vi v].
      + apply sum_map_zero. intro s. simpl. ring.
      + transitivity (sum (map (fun s => (vi * Q2R (fst sc)) * (rr s * dot (fst wb) (X s))
                                        + (rr s * (vi * (Q2R (fst sc) * snd wb + Q2R (snd sc)))
                                        + rr s * dot v (map (fun wb => h (dot (fst wb) (X s) + snd wb)) nb))) ds)).
        * apply sum_map_ext_in. intros s Hs. simpl. rewrite (Hp s Hs). ring.
        * rewrite !sum_map_plus, sum_map_scale, orth_dot, orth_const, IH; auto. ring.
  Qed.

  (** sum (a_s)^2 / 2 >= sum (r_s)^2 / 2 when a - r is orthogonal to r. *)
  Lemma sq_ge (a : T -> R) :
    sum (map (fun s => rr s * (a s - rr s)) ds) = 0 ->
    sum (map (fun s => rr s ^ 2 / 2) ds) <= sum (map (fun s => a s ^ 2 / 2) ds).
  Proof.
    intro H.
    assert (E : sum (map (fun s => a s ^ 2 / 2) ds) =
                sum (map (fun s => rr s ^ 2 / 2 + (rr s * (a s - rr s) + (a s - rr s) ^ 2 / 2)) ds)).
    { apply sum_map_ext_in. intros; field. }
    rewrite E, !sum_map_plus, H.
    assert (0 <= sum (map (fun s => (a s - rr s) ^ 2 / 2) ds)).
    { rewrite <- (sum_map_zero (fun _ : T => 0) ds) by reflexivity.
      apply sum_map_le. intros s _. pose proof (pow2_ge_0 (a s - rr s)). lra. }
    lra.
  Qed.
End Orth.

(** The risk of a network of widths [dx; h; 1] with the squared loss, sample by sample. *)
Lemma sample_loss_2 n dx h q s :
  widths n = [dx; h; 1%nat] -> lossk n = Squared ->
  length q = nparams [dx; h; 1%nat] -> length (snd s) = 1%nat ->
  sample_loss n q s =
    (dot (firstn h (skipn (h * dx + h) q))
         (map (act (activ n)) (apply_layer (rows h dx q, firstn h (skipn (h * dx) q)) (map Q2R (fst s))))
     + hd 0 (skipn h (skipn (h * dx + h) q)) - Q2R (hd 0%Q (snd s))) ^ 2 / 2.
Proof.
  intros Hw Hl Hq Hs. unfold sample_loss. rewrite Hw, Hl.
  destruct s as [x [|y [|y' ys]]]; simpl in Hs; try lia. simpl.
  rewrite Nat.add_0_r.
  destruct (skipn h (skipn (h * dx + h) q)) as [|b2 rest] eqn:E.
  - exfalso. apply (f_equal (@length R)) in E. rewrite !skipn_length in E. simpl in Hq, E. lia.
  - simpl. field.
Qed.
